/**
 * The shape of one Oathkeeper access rule as Oathkeeper itself reads it from a rules file
 * (`access-rules.json` / `.yaml`): snake_case, exactly the fields of `spec/api.json#rule`.
 * The maester `Rule` CRD carries the same content in camelCase (see `maester-rule.ts`).
 */
export interface OathkeeperHandler {
  readonly handler: string;
  readonly config?: Record<string, unknown>;
}

export interface OathkeeperAccessRule {
  /** Unique within the rules file; maester derives its own (`<name>.<namespace>`). */
  readonly id: string;
  readonly description: string;
  readonly match: { readonly url: string; readonly methods: string[] };
  readonly authenticators: OathkeeperHandler[];
  readonly authorizer: OathkeeperHandler;
  readonly mutators: OathkeeperHandler[];
  readonly upstream: { readonly url: string; readonly strip_path?: string; readonly preserve_host: boolean };
}

/** An environment variable of the Oathkeeper container, filled from one Secret key. */
export interface OathkeeperEnvBinding {
  /** Variable name the header templates read with `{{ env "NAME" }}`. */
  readonly name: string;
  readonly secretName: string;
  readonly key: string;
}

/** How Oathkeeper compares a request URL with `match.url` (`access_rules.matching_strategy`). */
export enum MatchingStrategy {
  /** `<...>` holds a regular expression (Oathkeeper's default). */
  REGEXP = 'regexp',
  /** `<...>` holds a glob; `*` stops at `.` and `/`, `**` does not. */
  GLOB = 'glob',
}

import { readFileSync } from 'node:fs';
import { secretFilePath, type SecretRefModel } from '../../model';
import { secretEnvName } from '../../plan/derived-secrets';

/** Identity of a Secret key, never its value: safe to log. */
export function secretRefId(ref: Pick<SecretRefModel, 'secretName' | 'key'>): string {
  return `${ref.secretName}/${ref.key}`;
}

interface Entry {
  readonly ref: SecretRefModel;
  value: string | undefined;
}

/** A control character left in a value: a header or key that can never be right. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Resolves Secret references: the mounted file `<secretsDir>/<secret>/<key>` wins, else the
 * environment variable `GW_SECRET_<SECRET>_<KEY>`. Files are re-read periodically so a rotated
 * Secret (kubelet swaps the mounted file) takes effect without a restart. Values stay in memory
 * only; nothing here logs or formats them.
 *
 * One trailing line break (`\n` or `\r\n`) is removed from a file's value: Secrets made with
 * `kubectl create secret --from-file` from a file an editor or `echo` ended with a newline
 * carry it, and no API key, password or token ends with one. Environment values are taken
 * as they are.
 */
export class SecretResolver {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly secretsDir: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
    refs: readonly SecretRefModel[],
  ) {
    for (const ref of refs) this.track(ref);
  }

  /** The current value, or `undefined` when neither the file nor the variable exists. */
  resolve(ref: SecretRefModel): string | undefined {
    return this.track(ref).value;
  }

  /** Identities of tracked Secret keys that currently have no value. */
  missing(): string[] {
    return [...this.entries.values()].filter((e) => e.value === undefined).map((e) => secretRefId(e.ref));
  }

  /** Identities of tracked Secret keys whose value holds a control character (beyond the stripped line break). */
  malformed(): string[] {
    return [...this.entries.values()].filter((e) => e.value !== undefined && CONTROL_CHARACTER.test(e.value)).map((e) => secretRefId(e.ref));
  }

  /** Re-reads every tracked key now. */
  refresh(): void {
    for (const entry of this.entries.values()) entry.value = this.read(entry.ref);
  }

  /** Starts periodic re-reading; the timer never keeps the process alive. */
  startRefreshing(intervalSeconds: number): void {
    this.stopRefreshing();
    this.timer = setInterval(() => this.refresh(), intervalSeconds * 1000);
    this.timer.unref();
  }

  stopRefreshing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private track(ref: SecretRefModel): Entry {
    const id = secretRefId(ref);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { ref, value: this.read(ref) };
      this.entries.set(id, entry);
    }
    return entry;
  }

  private read(ref: SecretRefModel): string | undefined {
    try {
      return withoutFinalLineBreak(readFileSync(secretFilePath(ref, this.secretsDir), 'utf8'));
    } catch {
      return this.env[secretEnvName(ref)];
    }
  }
}

function withoutFinalLineBreak(value: string): string {
  if (value.endsWith('\r\n')) return value.slice(0, -2);
  return value.endsWith('\n') ? value.slice(0, -1) : value;
}

/**
 * A small JSON Schema (draft-07) checker, enough for Oathkeeper's own schemas in
 * `../shared/crds` (type, properties, additionalProperties, required, items, enum, const,
 * oneOf/anyOf/allOf, pattern, minLength, uniqueItems, local and `$id` refs). `format` is not
 * checked. It exists so the tests need no Ajv; CI also runs the shared Ajv-based validator.
 */
type Schema = boolean | { [k: string]: any };

export class SchemaChecker {
  private readonly byId = new Map<string, Schema>();

  constructor(schemas: Schema[]) {
    for (const s of schemas) if (typeof s === 'object' && s.$id) this.byId.set(s.$id, s);
  }

  /** Error messages (`path: problem`), empty when `value` is valid against `root`. */
  check(root: Schema, value: unknown): string[] {
    const errors: string[] = [];
    this.visit(root, root, value, '', errors);
    return errors;
  }

  private resolve(ref: string, root: Schema): { schema: Schema; root: Schema } {
    const [id, fragment = ''] = ref.split('#');
    const base = id ? this.byId.get(id) : root;
    if (base === undefined) throw new Error(`unknown $ref ${ref}`);
    let node: any = base;
    for (const part of fragment.split('/').filter(Boolean)) node = node[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))];
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return { schema: node, root: base };
  }

  private visit(schema: Schema, root: Schema, v: unknown, at: string, errors: string[]): void {
    if (schema === true) return;
    if (schema === false) {
      errors.push(`${at || '(root)'}: not allowed`);
      return;
    }
    const s = schema;
    const fail = (msg: string): void => {
      errors.push(`${at || '(root)'}: ${msg}`);
    };
    if (s.$ref) {
      const r = this.resolve(s.$ref, root);
      this.visit(r.schema, r.root, v, at, errors);
    }
    if (s.type !== undefined) {
      const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((t) => typeMatches(t, v))) return fail(`must be ${types.join(' or ')}`);
    }
    if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(v)) fail(`must be ${JSON.stringify(s.const)}`);
    if (s.enum && !s.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(v))) fail(`must be one of ${JSON.stringify(s.enum)}`);
    if (typeof v === 'string') {
      if (s.minLength !== undefined && v.length < s.minLength) fail(`shorter than ${s.minLength}`);
      if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) fail(`does not match ${s.pattern}`);
    }
    if (Array.isArray(v)) {
      if (s.items && !Array.isArray(s.items)) v.forEach((item, i) => this.visit(s.items, root, item, `${at}[${i}]`, errors));
      if (s.uniqueItems && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) fail('items must be unique');
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const obj = v as Record<string, unknown>;
      for (const key of s.required ?? []) if (!(key in obj)) fail(`missing required "${key}"`);
      for (const [key, value] of Object.entries(obj)) {
        const path = at ? `${at}.${key}` : key;
        if (s.properties && key in s.properties) this.visit(s.properties[key], root, value, path, errors);
        else if (s.additionalProperties !== undefined) this.visit(s.additionalProperties, root, value, path, errors);
      }
    }
    for (const sub of s.allOf ?? []) this.visit(sub, root, v, at, errors);
    if (s.anyOf && !s.anyOf.some((sub: Schema) => this.check2(sub, root, v))) fail('matches none of anyOf');
    if (s.oneOf) {
      const n = s.oneOf.filter((sub: Schema) => this.check2(sub, root, v)).length;
      if (n !== 1) fail(`must match exactly one of oneOf (matched ${n})`);
    }
  }

  private check2(schema: Schema, root: Schema, v: unknown): boolean {
    const errors: string[] = [];
    this.visit(schema, root, v, '', errors);
    return errors.length === 0;
  }
}

function typeMatches(t: string, v: unknown): boolean {
  switch (t) {
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    default:
      return typeof v === t;
  }
}

/**
 * Evaluates External Secrets Operator `target.template.data` values (engine v2: Go
 * `text/template` with sprig functions) over a Secret's synced keys, so the harness can
 * materialize the Secrets a cluster would hold. Only the part of the language gatewright's
 * ExternalSecrets use is implemented — literal text, `.key`, `index . "key"`, string
 * literals, parentheses, pipelines, `printf` with `%s`, `b64enc` — and anything else is an
 * error naming the construct, never a silent guess: a template the harness cannot read
 * would otherwise become a wrong credential and a misleading verdict.
 */

type Value = string | Readonly<Record<string, string>>;

/** Thrown for template text outside the supported subset or that Go would reject. */
export class TemplateError extends Error {}

export function renderEsoTemplate(template: string, data: Readonly<Record<string, string>>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open === -1) {
      out += template.slice(i);
      break;
    }
    let text = template.slice(i, open);
    let start = open + 2;
    if (template[start] === '-' && /\s/.test(template[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    out += text;
    const close = template.indexOf('}}', start);
    if (close === -1) throw new TemplateError(`unclosed action at offset ${open}`);
    let end = close;
    let trimAfter = false;
    if (template[close - 1] === '-' && /\s/.test(template[close - 2] ?? '')) {
      end = close - 1;
      trimAfter = true;
    }
    const value = evaluatePipeline(new Tokens(template.slice(start, end)), data);
    if (typeof value !== 'string') throw new TemplateError('an action must produce text, not the whole data map');
    out += value;
    i = close + 2;
    if (trimAfter) while (i < template.length && /\s/.test(template[i])) i++;
  }
  return out;
}

type Token = { kind: 'dot' } | { kind: 'field'; name: string } | { kind: 'string'; value: string } | { kind: 'ident'; name: string } | { kind: 'pipe' } | { kind: 'open' } | { kind: 'close' };

class Tokens {
  private readonly list: Token[] = [];
  private pos = 0;

  constructor(source: string) {
    let i = 0;
    while (i < source.length) {
      const c = source[i];
      if (/\s/.test(c)) {
        i++;
      } else if (c === '|') {
        this.list.push({ kind: 'pipe' });
        i++;
      } else if (c === '(') {
        this.list.push({ kind: 'open' });
        i++;
      } else if (c === ')') {
        this.list.push({ kind: 'close' });
        i++;
      } else if (c === '"') {
        let j = i + 1;
        let value = '';
        while (j < source.length && source[j] !== '"') {
          if (source[j] === '\\') {
            const next = source[j + 1];
            const escapes: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\' };
            if (!(next in escapes)) throw new TemplateError(`unsupported escape \\${next}`);
            value += escapes[next];
            j += 2;
          } else {
            value += source[j++];
          }
        }
        if (j >= source.length) throw new TemplateError('unterminated string');
        this.list.push({ kind: 'string', value });
        i = j + 1;
      } else if (c === '.') {
        const m = /^\.([A-Za-z_][A-Za-z0-9_]*)?/.exec(source.slice(i))!;
        this.list.push(m[1] ? { kind: 'field', name: m[1] } : { kind: 'dot' });
        i += m[0].length;
      } else {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
        if (!m) throw new TemplateError(`unexpected "${c}"`);
        this.list.push({ kind: 'ident', name: m[0] });
        i += m[0].length;
      }
    }
  }

  peek(): Token | undefined {
    return this.list[this.pos];
  }

  next(): Token | undefined {
    return this.list[this.pos++];
  }

  done(): boolean {
    return this.pos >= this.list.length;
  }
}

function evaluatePipeline(tokens: Tokens, data: Readonly<Record<string, string>>, nested = false): Value {
  let value = evaluateCommand(tokens, data, undefined);
  while (tokens.peek()?.kind === 'pipe') {
    tokens.next();
    value = evaluateCommand(tokens, data, value);
  }
  if (!nested && !tokens.done()) throw new TemplateError('trailing tokens in action');
  return value;
}

function evaluateCommand(tokens: Tokens, data: Readonly<Record<string, string>>, piped: Value | undefined): Value {
  const first = tokens.next();
  if (!first) throw new TemplateError('empty command');
  if (first.kind !== 'ident') {
    if (piped !== undefined) throw new TemplateError('only a function can follow "|"');
    return operand(first, tokens, data);
  }
  const args: Value[] = [];
  for (let t = tokens.peek(); t && t.kind !== 'pipe' && t.kind !== 'close'; t = tokens.peek()) {
    tokens.next();
    args.push(operand(t, tokens, data));
  }
  // Go passes a piped value as the last argument.
  if (piped !== undefined) args.push(piped);
  return callFunction(first.name, args);
}

function operand(t: Token, tokens: Tokens, data: Readonly<Record<string, string>>): Value {
  switch (t.kind) {
    case 'dot':
      return data;
    case 'field':
      return field(data, t.name);
    case 'string':
      return t.value;
    case 'open': {
      const value = evaluatePipeline(tokens, data, true);
      if (tokens.next()?.kind !== 'close') throw new TemplateError('missing ")"');
      return value;
    }
    default:
      throw new TemplateError(`unexpected ${t.kind}`);
  }
}

function field(data: Readonly<Record<string, string>>, name: string): string {
  if (!(name in data)) throw new TemplateError(`key "${name}" is not in the synced data`);
  return data[name];
}

function text(v: Value, fn: string): string {
  if (typeof v !== 'string') throw new TemplateError(`${fn} needs text, got the data map`);
  return v;
}

function callFunction(name: string, args: Value[]): Value {
  switch (name) {
    case 'index': {
      const [map, key] = args;
      if (args.length !== 2 || typeof map === 'string') throw new TemplateError('index needs the data map and one key');
      return field(map, text(key, 'index'));
    }
    case 'printf': {
      const [format, ...rest] = args;
      let n = 0;
      const out = text(format, 'printf').replace(/%[%s]/g, (spec) => {
        if (spec === '%%') return '%';
        if (n >= rest.length) throw new TemplateError('printf has more %s than arguments');
        return text(rest[n++], 'printf');
      });
      if (n !== rest.length) throw new TemplateError('printf has more arguments than %s');
      if (/%[^%s]/.test(text(format, 'printf'))) throw new TemplateError('printf supports only %s and %%');
      return out;
    }
    case 'b64enc':
      if (args.length !== 1) throw new TemplateError('b64enc takes one argument');
      return Buffer.from(text(args[0], 'b64enc'), 'utf8').toString('base64');
    default:
      throw new TemplateError(`function "${name}" is not supported by the conformance harness`);
  }
}

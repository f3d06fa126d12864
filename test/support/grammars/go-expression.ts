/**
 * A reader for the expression languages Traefik router rules and Traefik Hub claims are written
 * in: Go expressions limited to calls with string arguments, `&&`, `||`, `!` and parentheses
 * (Traefik parses rules with vulcand/predicate on top of go/parser). Written for the tests, to
 * read rendered rules back and check their structure; it refuses anything else.
 */
export type Expr =
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly string[] }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly operand: Expr };

type Token = { kind: 'ident'; text: string } | { kind: 'string'; value: string } | { kind: 'punct'; text: string };

function decodeInterpreted(body: string): string {
  // Go interpreted string escapes; JSON's form is a subset that covers what the renderers emit.
  return JSON.parse(`"${body}"`) as string;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new Error(`unterminated raw string at ${i}`);
      // Go drops carriage returns inside raw strings.
      tokens.push({ kind: 'string', value: src.slice(i + 1, end).replace(/\r/g, '') });
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new Error(`unterminated string at ${i}`);
      tokens.push({ kind: 'string', value: decodeInterpreted(src.slice(i + 1, j)) });
      i = j + 1;
    } else if (src.startsWith('&&', i) || src.startsWith('||', i)) {
      tokens.push({ kind: 'punct', text: src.slice(i, i + 2) });
      i += 2;
    } else if ('(),!'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      tokens.push({ kind: 'ident', text: src.slice(i, j) });
      i = j;
    } else {
      throw new Error(`unexpected ${JSON.stringify(c)} at ${i}`);
    }
  }
  return tokens;
}

/** Parses `src`; throws on anything outside the subset, so a test that reads back a rule fails loudly. */
export function parseGoExpression(src: string): Expr {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const expectPunct = (text: string) => {
    const t = tokens[pos++];
    if (!t || t.kind !== 'punct' || t.text !== text) throw new Error(`expected ${text} at token ${pos - 1}`);
  };
  const primary = (): Expr => {
    const t = tokens[pos++];
    if (!t) throw new Error('unexpected end');
    if (t.kind === 'punct' && t.text === '!') return { kind: 'not', operand: primary() };
    if (t.kind === 'punct' && t.text === '(') {
      const e = or();
      expectPunct(')');
      return e;
    }
    if (t.kind === 'ident') {
      expectPunct('(');
      const args: string[] = [];
      if (!(peek()?.kind === 'punct' && (peek() as { text: string }).text === ')')) {
        for (;;) {
          const a = tokens[pos++];
          if (!a || a.kind !== 'string') throw new Error(`expected a string argument of ${t.text}`);
          args.push(a.value);
          const sep = peek();
          if (sep?.kind === 'punct' && sep.text === ',') {
            pos++;
            continue;
          }
          break;
        }
      }
      expectPunct(')');
      return { kind: 'call', name: t.text, args };
    }
    throw new Error(`unexpected token ${JSON.stringify(t)}`);
  };
  const and = (): Expr => {
    let left = primary();
    while (peek()?.kind === 'punct' && (peek() as { text: string }).text === '&&') {
      pos++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): Expr => {
    let left = and();
    while (peek()?.kind === 'punct' && (peek() as { text: string }).text === '||') {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const result = or();
  if (pos !== tokens.length) throw new Error(`trailing tokens after position ${pos}`);
  return result;
}

/** Every call in `e`, left to right. */
export function callsOf(e: Expr): { name: string; args: readonly string[] }[] {
  if (e.kind === 'call') return [{ name: e.name, args: e.args }];
  if (e.kind === 'not') return callsOf(e.operand);
  return [...callsOf(e.left), ...callsOf(e.right)];
}

/** The top-level `&&` operands of `e`. */
export function conjuncts(e: Expr): Expr[] {
  return e.kind === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

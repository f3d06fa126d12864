/**
 * How Oathkeeper compiles a rule's `match.url` (engine behaviour, re-stated for the tests so a
 * rendered URL can be checked against request URLs):
 * - regexp strategy: the text is split at `<...>` (nesting counted, unbalanced is an error); text
 *   outside the delimiters is quoted, text inside is a regular expression; the whole is anchored.
 * - glob strategy (gobwas/glob with separators `.` and `/`): inside `<...>`, `**` matches
 *   anything, `*` anything but a separator, `{a,b}` one of the alternatives, `\x` a literal x.
 */
export function compileOathkeeperMatchUrl(pattern: string, strategy: 'regexp' | 'glob'): RegExp {
  let out = '^';
  let i = 0;
  while (i < pattern.length) {
    const open = pattern.indexOf('<', i);
    const close = pattern.indexOf('>', i);
    if (open < 0) {
      if (close >= 0) throw new Error('unbalanced ">"');
      out += quote(pattern.slice(i));
      break;
    }
    if (close >= 0 && close < open) throw new Error('unbalanced ">"');
    out += quote(pattern.slice(i, open));
    let depth = 0;
    let j = open;
    for (; j < pattern.length; j++) {
      if (pattern[j] === '<') depth++;
      else if (pattern[j] === '>' && --depth === 0) break;
    }
    if (j >= pattern.length) throw new Error('unbalanced "<"');
    const inner = pattern.slice(open + 1, j);
    out += strategy === 'regexp' ? `(${caseInsensitiveGroups(inner)})` : `(${globToRegex(inner)})`;
    i = j + 1;
  }
  return new RegExp(`${out}$`, 'u');
}

/**
 * `(?i:...)` (a case-insensitive group, which Oathkeeper's regexp2 and Go's RE2 accept) as a
 * JavaScript pattern Node 20 accepts: each letter inside becomes `[xX]`.
 */
function caseInsensitiveGroups(pattern: string): string {
  return pattern.replace(/\(\?i:((?:[^()\\]|\\.)*)\)/g, (_, body: string) => {
    let out = '(?:';
    for (let i = 0; i < body.length; i++) {
      const c = body[i];
      if (c === '\\') {
        out += c + body[++i];
      } else if (c === '[') {
        // A class: add the other case of every letter in it.
        const end = body.indexOf(']', i);
        const cls = body.slice(i + 1, end);
        out += `[${cls}${cls.replace(/[a-z]-[a-z]/g, (r) => r.toUpperCase())}]`;
        i = end;
      } else if (/[a-z]/i.test(c)) {
        out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
      } else {
        out += c;
      }
    }
    return `${out})`;
  });
}

/** What Go's regexp.QuoteMeta escapes, which JavaScript's `u` flag accepts escaped too. */
function quote(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, (c) => `\\${c}`);
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') out += quote(glob[++i] ?? '');
    else if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^./]*';
    else if (c === '?') out += '[^./]';
    else if (c === '{') out += '(?:';
    else if (c === '}') out += ')';
    else if (c === ',') out += '|';
    else out += quote(c);
  }
  return out;
}

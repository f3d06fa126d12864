/**
 * A reader for Go `text/template` text as the renderers write it (Oathkeeper header templates,
 * External Secrets templates): splits it into literal text and actions, and evaluates the one
 * action form that prints a literal (`{{ "…" }}`). Written for the tests, after the lexer in
 * Go's text/template/parse: an action starts at `{{` and ends at the first `}}` outside a string.
 */
export type TemplatePiece = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'action'; readonly source: string };

export function splitGoTemplate(src: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let i = 0;
  let text = '';
  while (i < src.length) {
    if (src.startsWith('{{', i)) {
      let j = i + 2;
      let inString: string | undefined;
      while (j < src.length) {
        const c = src[j];
        if (inString) {
          if (c === '\\' && inString === '"') j++;
          else if (c === inString) inString = undefined;
        } else if (c === '"' || c === '`') {
          inString = c;
        } else if (src.startsWith('}}', j)) {
          break;
        }
        j++;
      }
      if (j >= src.length) throw new Error(`unclosed action at ${i}`);
      const source = src.slice(i + 2, j).trim();
      const literal = /^"(?:[^"\\]|\\.)*"$/.test(source) ? (JSON.parse(source) as string) : undefined;
      if (literal !== undefined) {
        text += literal;
      } else {
        if (text) pieces.push({ kind: 'text', text });
        text = '';
        pieces.push({ kind: 'action', source });
      }
      i = j + 2;
    } else {
      text += src[i];
      i++;
    }
  }
  if (text) pieces.push({ kind: 'text', text });
  return pieces;
}

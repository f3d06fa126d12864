/** A Markdown table cell: pipes escaped, line breaks as `<br>`, empty as an en dash. */
export function cell(text: string): string {
  const t = text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
  return t === '' ? '–' : t;
}

/** Inline code that survives backticks inside the text. */
export function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A GitHub-flavoured Markdown table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

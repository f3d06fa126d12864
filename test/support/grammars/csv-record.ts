/**
 * How pflag reads one occurrence of a `StringSlice` flag: as one CSV record (Go encoding/csv,
 * default options: quotes are special only at the start of a field, `""` is a quote inside a
 * quoted field, a bare quote elsewhere is an error). Written for the tests.
 */
export function readCsvRecord(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new Error('unterminated quoted field');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new Error('extraneous text after a quoted field');
      fields.push(value);
    } else {
      const end = line.indexOf(',', i);
      const value = end < 0 ? line.slice(i) : line.slice(i, end);
      if (value.includes('"')) throw new Error('bare quote in an unquoted field');
      fields.push(value);
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i++; // the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

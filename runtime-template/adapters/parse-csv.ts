/** A small RFC 4180 CSV reader: quoted fields, `""` escapes, CRLF or LF, an optional final newline. */
import { errors } from '../errors.js';

export interface CsvTable {
  header: string[];
  /** Data lines, each with exactly as many fields as the header. */
  rows: string[][];
}

export function parseCsv(text: string): CsvTable {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    // Blank lines carry no row.
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"' && field === '') {
      quoted = true;
    } else if (char === ',') {
      endField();
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
    } else {
      field += char;
    }
  }
  if (quoted) throw errors.invalidInput(`csv line ${line}`, 'a closing quote', 'the end of the body');
  if (field !== '' || record.length > 0) endRecord();
  const [header, ...rows] = records;
  if (!header) throw errors.emptyBody();
  const names = header.map((name) => name.trim());
  rows.forEach((row, i) => {
    if (row.length !== names.length) throw errors.shapeMismatch(`csv row ${i + 1}`, `${names.length} fields like the header`, `${row.length}`);
  });
  return { header: names, rows };
}

/**
 * `dataframe` input: a table as JSON in pandas orients (dataframe-orients.ts) or as `text/csv` with a header row,
 * turned into one 2-D tensor [rows, columns] in declared column order. Each cell is checked against its column's
 * dtype; errors name the column and the row (`petal_width[3]`).
 */
import type { DataframeColumn, DataframeInputSpec, Dtype, TensorValue } from '../contract.js';
import { describeValue, errors } from '../errors.js';
import { checkColumns, readOrient, type Table } from './dataframe-orients.js';
import { INTEGER_RANGES } from './nested-array.js';
import { allocate } from '../tensors/allocate.js';
import { parseCsv } from './parse-csv.js';
import type { InputAdapter } from './types.js';

export function createDataframeInput(spec: DataframeInputSpec): InputAdapter {
  const names = spec.columns.map((column) => column.name);
  return {
    mediaTypes: ['application/json', 'text/csv'],
    parse(body, mediaType) {
      const table = mediaType === 'text/csv' ? readCsv(body, names) : readOrient(body, spec.orient, names);
      const fromText = mediaType === 'text/csv';
      const tensor = toTable(table, spec, fromText);
      return { value: tensor, rows: table.rows };
    },
  };
}

function readCsv(body: unknown, names: string[]): Table {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body ?? '');
  const { header, rows } = parseCsv(text);
  checkColumns(header, names, 'csv header');
  if (rows.length === 0) throw errors.emptyInput('csv');
  const positions = names.map((name) => header.indexOf(name));
  return { rows: rows.length, cell: (row, column) => rows[row]![positions[column]!] };
}

function toTable(table: Table, spec: DataframeInputSpec, fromText: boolean): TensorValue {
  const width = spec.columns.length;
  const size = table.rows * width;
  const data = allocate(spec.dtype, size);
  spec.columns.forEach((column, c) => {
    for (let r = 0; r < table.rows; r++) {
      const raw = table.cell(r, c);
      const value = fromText ? readText(raw as string, column, r) : readJson(raw, column, r);
      (data as unknown[])[r * width + c] = store(value, spec.dtype);
    }
  });
  return { dtype: spec.dtype, dims: [table.rows, width], data };
}

function readJson(value: unknown, column: DataframeColumn, row: number): number | boolean | string {
  const ok = column.dtype === 'string' ? typeof value === 'string'
    : column.dtype === 'bool' ? typeof value === 'boolean' || value === 0 || value === 1
      : typeof value === 'number' && fitsInteger(value, column.dtype);
  if (!ok) throw errors.dtypeMismatch(`${column.name}[${row}]`, column.dtype, describeValue(value));
  return value as number | boolean | string;
}

function readText(text: string, column: DataframeColumn, row: number): number | boolean | string {
  if (column.dtype === 'string') return text;
  const trimmed = text.trim();
  if (column.dtype === 'bool') {
    const lower = trimmed.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
  } else if (trimmed !== '' && Number.isFinite(Number(trimmed)) && fitsInteger(Number(trimmed), column.dtype)) {
    return Number(trimmed);
  }
  throw errors.dtypeMismatch(`${column.name}[${row}]`, column.dtype, describeValue(text));
}

/** Floats must be finite (no NaN or Infinity); integers must be whole and within the dtype's range. */
function fitsInteger(value: number, dtype: Dtype): boolean {
  if (!Number.isFinite(value)) return false;
  const range = INTEGER_RANGES[dtype];
  return !range || (Number.isInteger(value) && value >= range[0] && value <= range[1]);
}

function store(value: number | boolean | string, dtype: Dtype): number | bigint | string {
  if (dtype === 'string') return String(value);
  const number = typeof value === 'boolean' ? (value ? 1 : 0) : (value as number);
  return dtype === 'int64' ? BigInt(Math.trunc(number)) : number;
}

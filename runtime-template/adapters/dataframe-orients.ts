/**
 * pandas' JSON orients read into one form: a cell lookup per declared column. `records` `[{col: v}]`, `columns`
 * `{col: [v] | {index: v}}`, `split` `{columns, data, index?}`, `values` `[[v]]` in declared order. MLflow's
 * `{"dataframe_records": ...}` / `{"dataframe_split": ...}` wrappers are unwrapped too.
 */
import type { DataframeInputSpec } from '../contract.js';
import { describeValue, errors } from '../errors.js';

export type Orient = Exclude<DataframeInputSpec['orient'], 'auto'>;

/** Values of one table: `cell(row, column)` in declared column order. */
export interface Table {
  rows: number;
  cell(row: number, column: number): unknown;
}

const WRAPPERS: Record<string, Orient> = { dataframe_records: 'records', dataframe_split: 'split', dataframe_values: 'values', dataframe_columns: 'columns' };

export function readOrient(body: unknown, accepted: DataframeInputSpec['orient'], names: string[]): Table {
  let value = body;
  let orient = accepted === 'auto' ? undefined : accepted;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const wrapper = Object.keys(value).find((key) => key in WRAPPERS);
    if (wrapper && Object.keys(value).length === 1) {
      orient ??= WRAPPERS[wrapper];
      value = (value as Record<string, unknown>)[wrapper];
    }
  }
  orient ??= detectOrient(value);
  switch (orient) {
    case 'records':
      return readRecords(value, names);
    case 'values':
      return readValues(value, names);
    case 'split':
      return readSplit(value, names);
    case 'columns':
      return readColumns(value, names);
  }
}

function detectOrient(value: unknown): Orient {
  if (Array.isArray(value)) return Array.isArray(value[0]) ? 'values' : 'records';
  // `{columns: [...], data?, index?}` is split; a table whose only column is called `columns` is rare enough.
  if (value !== null && typeof value === 'object' && Array.isArray((value as { columns?: unknown }).columns) &&
    Object.keys(value).every((key) => key === 'columns' || key === 'data' || key === 'index')) return 'split';
  return 'columns';
}

function readRecords(value: unknown, names: string[]): Table {
  if (!Array.isArray(value)) throw errors.invalidInput('body', 'an array of row objects (orient "records")', describeValue(value));
  if (value.length === 0) throw errors.emptyInput('body');
  value.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw errors.invalidInput(`[${i}]`, 'a row object {column: value}', describeValue(row));
    checkColumns(Object.keys(row), names, `[${i}]`);
  });
  return { rows: value.length, cell: (row, column) => (value[row] as Record<string, unknown>)[names[column]!] };
}

function readValues(value: unknown, names: string[]): Table {
  if (!Array.isArray(value)) throw errors.invalidInput('body', `an array of rows of ${names.length} values (orient "values")`, describeValue(value));
  if (value.length === 0) throw errors.emptyInput('body');
  value.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== names.length) {
      throw errors.shapeMismatch(`[${i}]`, `a row of ${names.length} values (${names.join(', ')})`, describeValue(row));
    }
  });
  return { rows: value.length, cell: (row, column) => (value[row] as unknown[])[column] };
}

function readSplit(value: unknown, names: string[]): Table {
  const split = value as { columns?: unknown; data?: unknown } | null;
  if (split === null || typeof split !== 'object' || !Array.isArray(split.columns) || !Array.isArray(split.data)) {
    throw errors.invalidInput('body', '{"columns": [...], "data": [[...]]} (orient "split")', describeValue(value));
  }
  const columns = split.columns.map(String);
  checkColumns(columns, names, 'columns');
  const data = split.data;
  if (data.length === 0) throw errors.emptyInput('data');
  data.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== columns.length) throw errors.shapeMismatch(`data[${i}]`, `a row of ${columns.length} values like "columns"`, describeValue(row));
  });
  const positions = names.map((name) => columns.indexOf(name));
  return { rows: data.length, cell: (row, column) => (data[row] as unknown[])[positions[column]!] };
}

function readColumns(value: unknown, names: string[]): Table {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.invalidInput('body', '{"<column>": [values]} (orient "columns")', describeValue(value));
  }
  checkColumns(Object.keys(value), names, 'body');
  const lists = names.map((name) => {
    const column = (value as Record<string, unknown>)[name];
    if (Array.isArray(column)) return column;
    if (column !== null && typeof column === 'object') return Object.values(column);
    throw errors.invalidInput(name, 'an array of values, or an {index: value} object', describeValue(column));
  });
  const rows = lists[0]!.length;
  if (rows === 0) throw errors.emptyInput(names[0]!);
  lists.forEach((list, i) => {
    if (list.length !== rows) throw errors.shapeMismatch(names[i]!, `${rows} values like column "${names[0]}"`, `${list.length}`);
  });
  return { rows, cell: (row, column) => lists[column]![row] };
}

/** Every declared column present, nothing else; errors name the column. */
export function checkColumns(got: string[], names: string[], field: string): void {
  const missing = names.find((name) => !got.includes(name));
  if (missing !== undefined) throw errors.missingColumn(field, missing, names);
  const unknown = got.find((name) => !names.includes(name));
  if (unknown !== undefined) throw errors.unknownColumn(field, unknown, names);
}

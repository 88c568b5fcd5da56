import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, isCollection, isMap, isNode, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { BentocError, createDiagnostic, diagnose, type Diagnostic, type SourceSpan } from '../../diagnostics/index.js';
import { measureAliases } from './measure-aliases.js';

/** Bounds on what a bentofile may make the compiler hold: a real one is a few KB and a few hundred values. */
export const loadLimits = {
  /** Bytes of bentofile.yaml (a 20 MB description once made a 149 MB bento and 1 GB of memory). */
  maxBytes: 1024 * 1024,
  /** Values the document may stand for once its aliases are expanded. */
  maxExpandedNodes: 100_000,
} as const;

/** A path into the document, as ajv's instancePath segments: keys and array indexes. */
export type DocPath = (string | number)[];

export interface LoadedBentofile {
  /** Absolute path of the bentofile. */
  file: string;
  /** The project folder: the bentofile's folder. Every relative path resolves from here. */
  projectDir: string;
  source: string;
  /** Plain data, as YAML gives it; not yet validated. */
  data: unknown;
  /** Where a value (or, with `key`, its key) stands in the file; falls back to the nearest parent. */
  locate(path: DocPath, options?: { key?: boolean }): SourceSpan;
}

export async function loadBentofile(path: string): Promise<LoadedBentofile> {
  let file = resolve(path);
  let source: string;
  try {
    // `bentoc build samples/iris`: a project folder means its bentofile.yaml.
    if ((await stat(file).catch(() => undefined))?.isDirectory()) file = join(file, 'bentofile.yaml');
    const { size } = await stat(file);
    if (size > loadLimits.maxBytes) {
      throw new BentocError([diagnose('file_too_large', { file, start: { line: 1, column: 1 } }, size, loadLimits.maxBytes)]);
    }
    source = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof BentocError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new BentocError('file_not_found', `${file} ${reason}`, {
      hint: 'pass a bentofile.yaml or the project folder that holds one, e.g. `bentoc build samples/iris`',
    });
  }
  return parseBentofile(file, source);
}

export function parseBentofile(file: string, source: string): LoadedBentofile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const toSpan = (offset: number, end?: number): SourceSpan => {
    const start = lineCounter.linePos(offset);
    const stop = end === undefined ? undefined : lineCounter.linePos(end);
    return {
      file,
      start: { line: start.line, column: start.col },
      end: stop && { line: stop.line, column: stop.col },
    };
  };

  const problems: Diagnostic[] = doc.errors.map((error) => {
    const duplicate = error.code === 'DUPLICATE_KEY';
    return createDiagnostic(duplicate ? 'yaml_duplicate_key' : 'yaml_syntax', firstLine(error.message), {
      span: toSpan(error.pos[0], error.pos[1]),
      hint: duplicate ? 'remove one of the two entries' : 'check indentation, colons and quotes around this point',
    });
  });
  if (problems.length > 0) throw new BentocError(problems);

  const collectionKeys: Diagnostic[] = [];
  visit(doc, {
    Pair(_key, pair) {
      // yaml would stringify `[a, b]: 1` into the key "a,b" (and print a process warning): refuse it instead.
      if (isCollection(pair.key)) {
        collectionKeys.push(createDiagnostic('yaml_syntax', 'a key must be a plain value, not a list or mapping', {
          span: spanOf(pair.key, toSpan),
          hint: 'check the indentation and the `:` after this point: a key is a word such as `name`',
        }));
      }
    },
  });
  if (collectionKeys.length > 0) throw new BentocError(collectionKeys);
  const { largest, total, unresolved } = measureAliases(doc);
  if (unresolved.length > 0) {
    throw new BentocError(
      unresolved.map((alias) =>
        createDiagnostic('yaml_syntax', `alias \`*${alias.source}\` has no anchor \`&${alias.source}\` before it`, {
          span: spanOf(alias, toSpan),
          hint: `define \`&${alias.source}\` on a value above this line, or write the value out`,
        }),
      ),
    );
  }
  if (largest && total > loadLimits.maxExpandedNodes) {
    const span = spanOf(largest.alias, toSpan);
    throw new BentocError([diagnose('yaml_alias_limit', span, largest.alias.source, total, loadLimits.maxExpandedNodes)]);
  }
  // yaml's own check (anchor uses × nested aliases > 100) refuses files our bound accepts; ours counts values.
  const data = doc.toJS({ maxAliasCount: -1 }) ?? {};
  return {
    file,
    projectDir: dirname(file),
    source,
    data,
    locate: (path, options) => locateInDocument(doc, path, options?.key ?? false, toSpan),
  };
}

function locateInDocument(
  doc: Document,
  path: DocPath,
  wantKey: boolean,
  toSpan: (offset: number, end?: number) => SourceSpan,
): SourceSpan {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const segment of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair) {
        keyNode = isNode(pair.key) ? pair.key : undefined;
        next = pair.value;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      keyNode = undefined;
    }
    if (next === undefined || next === null) {
      // A missing value (or a key with an empty value): point at the key or the parent.
      if (keyNode && next === null) return spanOf(keyNode, toSpan);
      break;
    }
    node = next;
  }
  const target = wantKey && keyNode ? keyNode : isNode(node) ? node : undefined;
  return target ? spanOf(target, toSpan) : toSpan(0);
}

function spanOf(node: Node, toSpan: (offset: number, end?: number) => SourceSpan): SourceSpan {
  const range = node.range ?? [0, 0, 0];
  return toSpan(range[0], range[1]);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

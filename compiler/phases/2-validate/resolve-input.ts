import { Ajv } from 'ajv';
import type { Input, Output } from '../../../schemas/bentofile.generated.js';
import type { OutputSpec } from '../../../runtime-template/contract.js';
import type { DiagnosticBag, SourceSpan } from '../../diagnostics/index.js';
import { defaults, type ResolvedInput } from './resolved-bentofile.js';

/** Which input keys each type reads; any other key is a mistake (a typo, or meant for another type). */
const KEYS_BY_TYPE: Record<Input['type'], readonly string[]> = {
  ndarray: ['dtype', 'shape'],
  json: ['schema'],
  text: [],
  image: ['color', 'width', 'height', 'layout', 'scale', 'mean', 'std', 'invert', 'max_pixels', 'max_side', 'multiple_of'],
  dataframe: ['orient', 'columns'],
  file: [],
};

/** Locates a key inside the API's `input` mapping. */
export type LocateInputKey = (key: string) => SourceSpan;

/** Maps a schema-valid `input:` to its resolved form and reports keys that do not belong to its type. */
export function resolveInput(api: string, input: Input, locate: LocateInputKey, bag: DiagnosticBag): ResolvedInput {
  reportMisplacedKeys(api, input, locate, bag);
  switch (input.type) {
    case 'ndarray':
      return { type: 'ndarray', dtype: input.dtype, shape: input.shape };
    case 'json':
      if (input.schema) checkJsonSchema(api, input.schema, locate, bag);
      return { type: 'json', schema: input.schema };
    case 'text':
    case 'file':
      return { type: input.type };
    case 'image':
      return {
        type: 'image',
        color: input.color,
        width: input.width,
        height: input.height,
        layout: input.layout,
        scale: input.scale,
        mean: input.mean,
        std: input.std,
        invert: input.invert ?? false,
        maxPixels: input.max_pixels ?? defaults.imageMaxPixels,
        ...(input.max_side !== undefined ? { maxSide: input.max_side } : {}),
        ...(input.multiple_of !== undefined ? { multipleOf: input.multiple_of } : {}),
      };
    case 'dataframe':
      return {
        type: 'dataframe',
        orient: input.orient ?? 'auto',
        columns: input.columns?.map((column) => (typeof column === 'string' ? { name: column } : column)),
      };
  }
}

export function resolveOutput(output: Output): OutputSpec {
  if (output.type !== 'json') return { type: output.type };
  return { type: 'json', labels: output.labels, ...(output.top_k !== undefined ? { topK: output.top_k } : {}) };
}

/** The server compiles the schema at start-up; one it cannot compile (or that fetches a remote $ref) fails here. */
function checkJsonSchema(api: string, schema: Record<string, unknown>, locate: LocateInputKey, bag: DiagnosticBag): void {
  try {
    new Ajv({ strict: false, allErrors: false }).compile(schema);
  } catch (error) {
    bag.add('invalid_value', `the JSON Schema of API \`${api}\` does not compile: ${(error as Error).message.split('\n', 1)[0]}`, {
      span: locate('schema'),
      hint: 'a JSON Schema (draft-07) with every $ref inside it, e.g. `schema: {type: object, required: [text]}`',
    });
  }
}

function reportMisplacedKeys(api: string, input: Input, locate: LocateInputKey, bag: DiagnosticBag): void {
  const allowed = KEYS_BY_TYPE[input.type];
  for (const key of Object.keys(input)) {
    if (key === 'type' || allowed.includes(key)) continue;
    const owners = Object.entries(KEYS_BY_TYPE).filter(([, keys]) => keys.includes(key)).map(([type]) => type);
    bag.add('unknown_key', `\`${key}\` is not an option of ${input.type} inputs (API \`${api}\`)`, {
      span: locate(key),
      hint: owners.length > 0
        ? `\`${key}\` applies to ${owners.join(' and ')} inputs; ${input.type} inputs take ${allowed.length > 0 ? allowed.map((k) => `\`${k}\``).join(', ') : 'no options'}`
        : undefined,
    });
  }
}

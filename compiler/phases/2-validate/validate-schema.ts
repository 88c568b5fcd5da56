import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';
import type { RawBentofile } from '../../../schemas/bentofile.generated.js';
import { DiagnosticBag, didYouMean, type DiagnosticCode } from '../../diagnostics/index.js';
import type { DocPath, LoadedBentofile } from '../1-load/load-bentofile.js';

const schema = createRequire(import.meta.url)('../../../schemas/bentofile.schema.json') as Record<string, unknown>;

/** Checks the shape of the bentofile against the published JSON Schema; every error is positioned. */
export function validateSchema(loaded: LoadedBentofile, bag: DiagnosticBag): loaded is LoadedBentofile & { data: RawBentofile } {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  const validate = ajv.compile(schema);
  if (validate(loaded.data)) return true;
  for (const error of selectErrors(validate.errors ?? [])) reportError(loaded, bag, error);
  return false;
}

/** One error per place: anyOf produces an error per branch, which reads as noise to a user. */
function selectErrors(errors: ErrorObject[]): ErrorObject[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const seen = new Set<string>();
  return errors.filter((error) => {
    if (anyOfPaths.has(error.instancePath) && error.keyword !== 'anyOf') return false;
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function reportError(loaded: LoadedBentofile, bag: DiagnosticBag, error: ErrorObject): void {
  const path = toDocPath(error.instancePath);
  const where = formatPath(path) || 'the bentofile';
  if (error.propertyName !== undefined && error.keyword === 'pattern') {
    bag.add('invalid_value', `key ${describe(error.propertyName)} of \`${where}\` must match pattern "${String(error.params.pattern)}"`, {
      span: loaded.locate([...path, error.propertyName], { key: true }),
      hint: hintFor([...path, error.propertyName], error),
    });
    return;
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      bag.add('unknown_key', `unknown key \`${key}\`${path.length > 0 ? ` in \`${where}\`` : ''}`, {
        span: loaded.locate([...path, key], { key: true }),
        hint: didYouMean(key, allowed),
      });
      return;
    }
    case 'required': {
      const key = String(error.params.missingProperty);
      bag.add('missing_key', `\`${where}\` needs \`${key}\``, {
        span: loaded.locate(path, { key: true }),
        hint: requiredHint(key),
      });
      return;
    }
    case 'type':
      bag.add('wrong_type', `\`${where}\` must be ${article(String(error.params.type))}, got ${describe(error.data)}`, {
        span: loaded.locate(path),
      });
      return;
    case 'anyOf':
      bag.add('wrong_type', `\`${where}\` must be ${alternatives(error.schema)}, got ${describe(error.data)}`, {
        span: loaded.locate(path),
      });
      return;
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      bag.add('invalid_value', `\`${where}\` must be one of ${allowed.join(', ')}, got ${describe(error.data)}`, {
        span: loaded.locate(path),
        hint: typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined,
      });
      return;
    }
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties': {
      const limit = Number(error.params.limit);
      const unit = { maxLength: 'characters', maxItems: 'entries', maxProperties: 'keys' }[error.keyword];
      if (error.propertyName !== undefined) {
        bag.add('invalid_value', `a key of \`${where}\` has ${error.propertyName.length.toLocaleString('en-US')} characters; at most ${limit} are allowed`, {
          span: loaded.locate([...path, error.propertyName], { key: true }),
        });
        return;
      }
      const size = typeof error.data === 'string' ? error.data.length : Array.isArray(error.data) ? error.data.length : Object.keys(error.data as object).length;
      bag.add('invalid_value', `\`${where}\` has ${size.toLocaleString('en-US')} ${unit}; at most ${limit.toLocaleString('en-US')} are allowed`, {
        span: loaded.locate(path),
        hint: error.keyword === 'maxLength' ? 'keep long text in a project file (e.g. README.md); the bentofile carries a short summary' : undefined,
      });
      return;
    }
    case 'propertyNames':
      return; // reported by the failing name's own error, which follows
    default:
      bag.add(codeFor(path, error), `\`${where}\` ${error.message ?? 'is not valid'}, got ${describe(error.data)}`, {
        span: loaded.locate(path),
        hint: hintFor(path, error),
      });
  }
}

function codeFor(path: DocPath, error: ErrorObject): DiagnosticCode {
  const last = path[path.length - 1];
  if (error.keyword === 'pattern' && (last === 'name' || last === 'service')) return 'invalid_name';
  if (path.includes('batch') || last === 'mb_max_batch_size' || last === 'mb_max_latency') return 'batch_invalid';
  return 'invalid_value';
}

function hintFor(path: DocPath, error: ErrorObject): string | undefined {
  const last = path[path.length - 1];
  if (error.keyword === 'pattern' && last === 'name') return 'use letters, digits, `_`, `.` and `-`, starting with a letter, digit or `_`';
  if (error.keyword === 'pattern' && last === 'handler') return 'write it as `./file.ts#exportedFunction`';
  if (error.keyword === 'pattern' && last === 'route') return 'a route starts with `/`, e.g. `/predict`';
  if (error.keyword === 'pattern' && path[0] === 'docker' && path[1] === 'env') return 'environment variable names are letters, digits and `_`, not starting with a digit; values are one line';
  if (error.keyword === 'pattern' && path.includes('labels')) return 'labels are one line of text, with keys like `team` or `org.example.owner`';
  if (error.keyword === 'pattern' && last === 'base_image') return 'an image reference, e.g. `node:20.20.2-bookworm-slim` or `registry.example.com/team/node:20`';
  if (last === 'max_batch_size') return 'max_batch_size counts rows per model call: set it to what memory allows';
  if (last === 'max_latency_ms') return 'max_latency_ms is the latency target in ms: set it to the client timeout';
  return undefined;
}

function requiredHint(key: string): string | undefined {
  const hints: Record<string, string> = {
    service: 'name the service, e.g. `service: iris_classifier`',
    apis: 'declare at least one API, e.g. `apis: [{name: predict, model: iris, input: {type: ndarray}, output: {type: json}}]`',
    path: 'give the ONNX file, relative to the bentofile, e.g. `path: ./model.onnx`',
    input: 'e.g. `input: {type: ndarray, dtype: float32, shape: [-1, 4]}`',
    output: 'e.g. `output: {type: json}`',
  };
  return hints[key];
}

function toDocPath(instancePath: string): DocPath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function formatPath(path: DocPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value.length > 60 ? `${JSON.stringify(value.slice(0, 57)).slice(0, -1)}…" (${value.length} characters)` : JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', integer: 'an integer', string: 'a string', number: 'a number', boolean: 'true or false' };
  return names[type] ?? type;
}

function alternatives(schema: unknown): string {
  const branches = Array.isArray(schema) ? (schema as { type?: string }[]) : [];
  return branches.map((b) => article(b.type ?? 'a value')).join(' or ');
}

/** What a diagnostic says: the message, and how to fix it. */
export interface DiagnosticText {
  message: string;
  hint?: string;
}

/**
 * A catalog entry. `text` keeps the wording with its code (as Svelte's error catalog does): call sites pass
 * only the facts, through `diagnose(code, span, ...facts)`. Entries without `text` still take their words from
 * the call site (`bag.add(code, message, {hint})`); they move here as their call sites are touched.
 */
function entry<const S extends Severity>(severity: S, title: string): { severity: S; title: string; text: undefined };
function entry<const S extends Severity, A extends unknown[]>(
  severity: S,
  title: string,
  text: (...facts: A) => DiagnosticText,
): { severity: S; title: string; text: (...facts: A) => DiagnosticText };
function entry(severity: Severity, title: string, text?: (...facts: never[]) => DiagnosticText) {
  return { severity, title, text };
}

/**
 * Every diagnostic a user can cause, by stable code. Codes never change meaning once released;
 * the table in compiler/diagnostics/README.md is checked against this catalog by a test.
 */
export const catalog = {
  // 1-load
  file_not_found: entry('error', 'The bentofile does not exist'),
  yaml_syntax: entry('error', 'The bentofile is not valid YAML'),
  yaml_duplicate_key: entry('error', 'A key appears twice in one mapping'),
  file_too_large: entry('error', 'The bentofile is larger than a bentofile needs to be', (bytes: number, limit: number) => ({
    message: `the bentofile is ${formatBytes(bytes)}; a bentofile may be at most ${formatBytes(limit)}`,
    hint: 'keep large content in files of the project (models, examples, READMEs) and point at them',
  })),
  yaml_alias_limit: entry('error', 'YAML aliases expand beyond the bound', (alias: string, nodes: number, limit: number) => ({
    message: `alias \`*${alias}\` expands to ${nodes.toLocaleString('en-US')} values; a bentofile may expand to at most ${limit.toLocaleString('en-US')}`,
    hint: 'write the values out, or use fewer nested aliases (anchors that repeat other anchors multiply)',
  })),
  // 2-validate
  unknown_key: entry('error', 'A key the bentofile does not know'),
  missing_key: entry('error', 'A required key is missing'),
  wrong_type: entry('error', 'A value has the wrong type'),
  invalid_value: entry('error', 'A value is outside what is allowed'),
  invalid_name: entry('error', 'A service, artifact or API name is not allowed'),
  duplicate_name: entry('error', 'Two artifacts or APIs share a name', (what: string, name: string) => ({
    message: `two ${what}s are named \`${name}\``,
    hint: `${what} names must be unique; rename one`,
  })),
  duplicate_route: entry('error', 'Two APIs share a route', (first: string, second: string, route: string) => ({
    message: `APIs \`${first}\` and \`${second}\` both use route \`${route}\``,
    hint: 'give one of them its own `route:`',
  })),
  reserved_route: entry('error', 'An API route is one the server already serves', (route: string, api: string, owner: string, free: string) => ({
    message: `API \`${api}\` uses route \`${route}\`, which every bento serves as ${owner}`,
    hint: `give the API a route of its own, e.g. \`route: ${free}\``,
  })),
  npm_spec_invalid: entry('error', 'An npm package is not a valid package spec', (spec: string, reason: string) => ({
    message: `\`${spec}\` is not an npm package spec: ${reason}`,
    hint: 'write `name`, `name@range` (e.g. `lodash@^4.17.21`), `@scope/name@version`, or `file:./path` inside the project',
  })),
  pip_requirement_invalid: entry('error', 'A pip requirement is not a PEP 508 specifier', (line: string, reason: string) => ({
    message: `\`${line}\` is not a PEP 508 requirement: ${reason}`,
    hint: 'write `name`, `name==1.2.3`, `name[extra]>=1,<2` or `name @ https://…`; pip options (`-r`, `--index-url`) are not allowed',
  })),
  path_outside_project: entry('error', 'A path points outside the project folder', (path: string, projectDir: string) => ({
    message: `\`${path}\` is outside the project folder ${projectDir}`,
    hint: 'copy the file into the project (next to bentofile.yaml) and use a relative path',
  })),
  batch_invalid: entry('error', 'Batch settings are inconsistent'),
  api_without_target: entry('error', 'An API has neither a model nor a handler', (api: string, firstArtifact: string | undefined) => ({
    message: `API \`${api}\` has neither \`model\` nor \`handler\``,
    hint: firstArtifact ? `add \`model: ${firstArtifact}\`` : 'add `model: <artifact name>` or `handler: ./service.ts#predict`',
  })),
  deprecated_key: entry('warning', 'A legacy key name is used', (key: string, replacement: string, value: unknown) => ({
    message: `\`${key}\` is deprecated`,
    hint: `use \`${replacement}: ${String(value)}\``,
  })),
  // 3-analyze
  model_not_found: entry('error', 'A model file or store model does not exist', (path: string, reason: string) => ({
    message: `model file ${path} ${reason}`,
    hint: 'export the model first (the samples have `npm run sample:<name>`), or fix `path:`',
  })),
  model_unreadable: entry('error', 'A model file is not a readable ONNX model'),
  unknown_model: entry('error', 'An API names an artifact that is not declared', (api: string, model: string, suggestion: string | undefined) => ({
    message: `API \`${api}\` uses model \`${model}\`, which is not among the artifacts`,
    hint: suggestion ?? 'declare it under `artifacts:`',
  })),
  handler_not_found: entry('error', 'A handler file does not exist', (file: string) => ({
    message: `handler file ${file} does not exist`,
    hint: 'write it as `./service.ts#predict`, relative to the bentofile',
  })),
  handler_export_missing: entry('error', 'A handler file does not export the named function', (file: string, name: string, exported: string[]) => ({
    message: `${file} does not export \`${name}\``,
    hint: exported.length > 0 ? `it exports: ${exported.join(', ')}` : `add \`export async function ${name}(input, ctx) { … }\``,
  })),
  handler_build_failed: entry('error', 'A handler does not compile'),
  input_signature_mismatch: entry('error', 'An API input does not fit its model'),
  labels_mismatch: entry('error', 'Labels do not match the model output'),
  batch_axis_invalid: entry('error', '`batch.axes` names a tensor or axis the model does not have'),
  unbatchable_model: entry('error', 'Batching is on, but a model output has no batch axis'),
  npm_unresolved: entry('warning', 'A handler import cannot be pinned to an installed version', (name: string, projectDir: string) => ({
    message: `a handler imports \`${name}\`, which is not installed in ${projectDir}`,
    hint: `run \`npm install ${name}\` in the project, or declare it under env.npm.packages`,
  })),
  pip_requirements_missing: entry('error', 'A requirements file does not exist', (file: string) => ({
    message: `requirements file ${file} does not exist or is not a file`,
    hint: 'fix `env.pip.requirements_txt`, or list packages under `env.pip.packages`',
  })),
  setup_script_missing: entry('error', 'The docker.setup_script file does not exist', (file: string) => ({
    message: `setup script ${file} does not exist or is not a file`,
    hint: 'fix `docker.setup_script` (a shell script, relative to the bentofile), or remove it',
  })),
  // store / CLI
  bento_not_found: entry('error', 'No bento matches the tag', (tag: string, bentosDir: string, hint: string) => ({
    message: `no bento \`${tag}\` in ${bentosDir}`,
    hint,
  })),
  bad_tag: entry('error', 'A tag is not name[:version]', (tag: string) => ({
    message: `\`${tag}\` is not a bento tag`,
    hint: 'write it as `name`, `name:latest` or `name:version`, e.g. `iris_classifier:latest`',
  })),
  bad_cli_input: entry('error', 'A command-line value is not valid'),
  api_not_found: entry('error', 'The bento has no API of that name', (tag: string, api: string, suggestion: string | undefined) => ({
    message: `${tag} has no API \`${api}\``,
    hint: suggestion,
  })),
  archive_not_found: entry('error', 'The archive file to import does not exist'),
  archive_invalid: entry('error', 'The file is not a bento archive'),
  archive_unsafe_entry: entry('error', 'An archive entry would land outside the bento'),
  model_checksum_mismatch: entry('error', 'A model file does not match its sha256 in bento.yaml'),
  docker_unreachable: entry('error', 'No Docker engine answers', (endpoint: string, reason: string) => ({
    message: `No Docker engine answers at ${endpoint}: ${reason}`,
    hint:
      'Start an engine (e.g. `dockerd`, or `eval "$(test/support/docker/start-dockerd.sh)"` from the bentoc repo) ' +
      'or point DOCKER_HOST at one: DOCKER_HOST=unix:///path/to/docker.sock or tcp://host:2375. ' +
      'To get the build context without an engine, use --dockerfile-only DIR.',
  })),
  image_build_failed: entry('error', 'The image build failed'),
  image_push_failed: entry('error', 'The registry refused the image or could not be reached'),
  // hub client
  hub_not_configured: entry('error', 'No hub URL or token is known (bentoc login, or BENTOC_HUB_URL/BENTOC_HUB_TOKEN)'),
  hub_unreachable: entry('error', 'The hub does not answer at its URL'),
  hub_error: entry('error', 'The hub refused the request (its error code is in the message)'),
  hub_digest_mismatch: entry('error', 'Pulled bytes do not hash to the digest the hub announced'),
} as const;

export type DiagnosticCode = keyof typeof catalog;
/** The facts a code's text is made from, for codes whose words live here. */
export type DiagnosticFacts<C extends DiagnosticCode> = (typeof catalog)[C]['text'] extends (...facts: infer A) => DiagnosticText ? A : never;
/** Codes whose message and hint live in the catalog. */
export type CatalogTextCode = { [C in DiagnosticCode]: undefined extends (typeof catalog)[C]['text'] ? never : C }[DiagnosticCode];

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
export type Severity = 'error' | 'warning';

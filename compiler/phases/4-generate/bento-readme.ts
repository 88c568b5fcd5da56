import type { RuntimeConfig } from '../../../runtime-template/contract.js';

/** The README inside each bento: how to run it and call each API, with that API's real example. */
export function generateBentoReadme(config: RuntimeConfig): string {
  const { name, version, description } = config.service;
  const port = config.runtime.port;
  const lines = [
    `# ${name}:${version}`,
    '',
    description ?? 'A model service built by bentoc.',
    '',
    '## Run',
    '',
    '```sh',
    `bentoc serve ${name}:${version}          # or: node server.mjs --port ${port}`,
    `bentoc containerize ${name}:${version} -t ${name.replace(/_/g, '-')}`,
    '```',
    '',
    `Swagger UI: http://localhost:${port}/ · OpenAPI: /openapi.json · probes: /livez /readyz · metrics: /metrics`,
    '',
    '## APIs',
    '',
  ];
  for (const api of config.apis) {
    const body = api.example === undefined ? '' : JSON.stringify(api.example);
    const type = api.input.type === 'text' ? 'text/plain' : 'application/json';
    lines.push(`### POST ${api.route}`, '');
    lines.push(api.model ? `Runs model \`${api.model}\`.` : `Calls handler \`${api.name}\`.`, '');
    lines.push('```sh', `curl -X POST -H 'Content-Type: ${type}' --data '${body.replace(/'/g, "'\\''")}' http://localhost:${port}${api.route}`, '```', '');
  }
  lines.push('## Models', '');
  for (const model of config.models) {
    lines.push(`- \`${model.name}\` (models/${model.file}, sha256 ${model.sha256.slice(0, 12)}…)`);
    for (const t of model.inputs) lines.push(`  - input \`${t.name}\`: ${t.dtype} [${t.shape.join(', ')}]`);
    for (const t of model.outputs) lines.push(`  - output \`${t.name}\`: ${t.dtype} [${t.shape.join(', ')}]`);
  }
  return lines.join('\n') + '\n';
}

import type { Artifact } from '../../../schemas/bentofile.generated.js';
import type { DiagnosticBag, SourceSpan } from '../../diagnostics/index.js';
import type { DocPath } from '../1-load/load-bentofile.js';
import type { FindStoreModel, ResolvedArtifact } from './resolved-bentofile.js';

interface ArtifactContext {
  at: (path: DocPath, key?: boolean) => SourceSpan;
  inProject: (path: string, docPath: DocPath) => string;
  bag: DiagnosticBag;
  findStoreModel?: FindStoreModel;
}

/** `{name, path}` is a file in the project; `{name, model}` a model store entry, pinned to one version here. */
export function resolveArtifact(artifact: Artifact, i: number, context: ArtifactContext): ResolvedArtifact {
  const { at, inProject, bag, findStoreModel } = context;
  const span = at(['artifacts', i]);
  if ((artifact.path === undefined) === (artifact.model === undefined)) {
    bag.add(artifact.path === undefined ? 'missing_key' : 'invalid_value', `artifact \`${artifact.name}\` needs exactly one of \`path\` and \`model\``, {
      span,
      hint: 'path: ./model.onnx for a file in the project, or model: name:latest for a model imported with `bentoc models import`',
    });
    return { name: artifact.name, path: '', span };
  }
  // Errors about the file (missing, not ONNX) point at the `path:` value.
  if (artifact.path !== undefined) return { name: artifact.name, path: inProject(artifact.path, ['artifacts', i, 'path']), span: at(['artifacts', i, 'path']) };

  const modelSpan = at(['artifacts', i, 'model']);
  const found = findStoreModel?.(artifact.model!) ?? { missing: 'no model store is available here', hint: 'build with `bentoc build`' };
  if ('missing' in found) {
    bag.add('model_not_found', `artifact \`${artifact.name}\`: ${found.missing}`, { span: modelSpan, hint: found.hint });
    return { name: artifact.name, path: '', span: modelSpan };
  }
  return { name: artifact.name, path: found.path, storeModel: { name: found.name, version: found.version }, span: modelSpan };
}

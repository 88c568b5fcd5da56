import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { LoadedBentofile } from '../1-load/load-bentofile.js';
import { resolveBentofile } from './resolve-bentofile.js';
import type { FindStoreModel, ResolvedBentofile } from './resolved-bentofile.js';
import { validateSchema } from './validate-schema.js';

export type { FindStoreModel, ResolvedApi, ResolvedArtifact, ResolvedBentofile, ResolvedHandler, ResolvedInput } from './resolved-bentofile.js';
export { defaults } from './resolved-bentofile.js';

/** Schema check, then resolution; throws every error found, keeps warnings in the bag. */
export function validateBentofile(loaded: LoadedBentofile, bag: DiagnosticBag, findStoreModel?: FindStoreModel): ResolvedBentofile {
  if (!validateSchema(loaded, bag)) bag.throwIfErrors();
  const resolved = resolveBentofile(loaded as Parameters<typeof resolveBentofile>[0], bag, findStoreModel);
  bag.throwIfErrors();
  return resolved;
}

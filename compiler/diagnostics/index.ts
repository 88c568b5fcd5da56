export { catalog, type DiagnosticCode, type Severity } from './catalog.js';
export {
  BentocError,
  DiagnosticBag,
  createDiagnostic,
  isBentocError,
  type Diagnostic,
  type DiagnosticInit,
  type Position,
  type SourceSpan,
} from './diagnostic.js';
export { didYouMean, suggestClosest } from './suggest.js';
export { renderDiagnostic, toJsonDiagnostic, type RenderOptions } from './render.js';

export { catalog, type CatalogTextCode, type DiagnosticCode, type DiagnosticFacts, type DiagnosticText, type Severity } from './catalog.js';
export {
  BentocError,
  DiagnosticBag,
  createDiagnostic,
  diagnose,
  isBentocError,
  type Diagnostic,
  type DiagnosticInit,
  type Position,
  type SourceSpan,
} from './diagnostic.js';
export { didYouMean, suggestClosest } from './suggest.js';
export { renderDiagnostic, toJsonDiagnostic, type RenderOptions } from './render.js';

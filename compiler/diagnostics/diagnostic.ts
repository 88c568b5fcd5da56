import { catalog, type CatalogTextCode, type DiagnosticCode, type DiagnosticFacts, type DiagnosticText, type Severity } from './catalog.js';

/** 1-based line and column, as editors show them. */
export interface Position {
  line: number;
  column: number;
}

export interface SourceSpan {
  file: string;
  start: Position;
  end?: Position;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  hint?: string;
  span?: SourceSpan;
}

export interface DiagnosticInit {
  hint?: string;
  span?: SourceSpan;
}

export function createDiagnostic(code: DiagnosticCode, message: string, init: DiagnosticInit = {}): Diagnostic {
  return { code, severity: catalog[code].severity, message, ...init };
}

/** A diagnostic whose message and hint come from the catalog: call sites give only the code, the place and the facts. */
export function diagnose<C extends CatalogTextCode>(code: C, span: SourceSpan | undefined, ...facts: DiagnosticFacts<C>): Diagnostic {
  const text = (catalog[code].text as (...args: unknown[]) => DiagnosticText)(...facts);
  return { code, severity: catalog[code].severity, message: text.message, ...(text.hint ? { hint: text.hint } : {}), ...(span ? { span } : {}) };
}

/**
 * A user-caused failure: the CLI prints it (with position, frame and hint) and exits 1.
 * Anything else thrown is a bug and exits 70.
 */
export class BentocError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(code: DiagnosticCode, message: string, init?: DiagnosticInit);
  constructor(diagnostics: Diagnostic[]);
  constructor(codeOrList: DiagnosticCode | Diagnostic[], message?: string, init?: DiagnosticInit) {
    const diagnostics = Array.isArray(codeOrList) ? codeOrList : [createDiagnostic(codeOrList, message ?? '', init)];
    super(diagnostics.map((d) => d.message).join('\n'));
    this.name = 'BentocError';
    this.diagnostics = diagnostics;
  }

  get code(): DiagnosticCode {
    return this.diagnostics[0]!.code;
  }
}

export function isBentocError(error: unknown): error is BentocError {
  return error instanceof BentocError;
}

/** Collects diagnostics across a phase so a user sees every error at once, not one per run. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  add(code: DiagnosticCode, message: string, init?: DiagnosticInit): void {
    this.items.push(createDiagnostic(code, message, init));
  }

  /** Adds a diagnostic worded by the catalog (see `diagnose`). */
  report<C extends CatalogTextCode>(code: C, span: SourceSpan | undefined, ...facts: DiagnosticFacts<C>): void {
    this.items.push(diagnose(code, span, ...facts));
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }

  /** Throws every error collected so far, keeping warnings for the caller. */
  throwIfErrors(): void {
    if (this.errors.length > 0) throw new BentocError(this.errors);
  }
}

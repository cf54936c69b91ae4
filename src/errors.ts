/**
 * One error hierarchy for the whole library. Commands map `exitCode` to the process exit code
 * and print `message` plus `hint`; nothing else should be needed to explain a failure to a user.
 * Messages must never contain secrets (SASL passwords, tokens): build them from names, not values.
 */
export type ErrorCode =
  | 'USAGE'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_NOT_FOUND'
  | 'LINT_FINDINGS'
  | 'ENV_NOT_FOUND'
  | 'CLUSTER_UNREACHABLE'
  | 'CLUSTER_AUTH'
  | 'CLUSTER_MISMATCH'
  | 'KAFKA_ERROR'
  | 'PLAN_BLOCKED'
  | 'PLAN_STALE'
  | 'APPLY_FAILED'
  | 'LOCK_HELD'
  | 'DEV_CLUSTER'
  | 'PREREQUISITE_MISSING'
  | 'REGISTRY_ERROR'
  | 'CONNECT_ERROR'
  | 'JOB_FAILED'
  | 'INTERNAL'

export interface StreamctlErrorOptions {
  hint?: string
  exitCode?: number
  retriable?: boolean
  cause?: unknown
}

export class StreamctlError extends Error {
  readonly code: ErrorCode
  readonly hint?: string
  readonly exitCode: number
  readonly retriable: boolean

  constructor(code: ErrorCode, message: string, options: StreamctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'StreamctlError'
    this.code = code
    this.hint = options.hint
    this.exitCode = options.exitCode ?? (code === 'USAGE' ? 2 : 1)
    this.retriable = options.retriable ?? false
  }
}

/** A position in a manifest file; line and column are 1-based, as editors show them. */
export interface SourceLocation {
  file: string
  line: number
  column: number
}

export interface Diagnostic {
  severity: 'error' | 'warning'
  message: string
  hint?: string
  location?: SourceLocation
  /** Stable id of the check or lint rule that produced it, e.g. `schema`, `topic-name`, `single-writer`. */
  rule: string
  /** The resource the diagnostic is about, e.g. `Topic/shop.orders.v1`, when there is one. */
  resource?: string
}

/** Several diagnostics reported at once: manifest validation never stops at the first problem. */
export class DiagnosticsError extends StreamctlError {
  readonly diagnostics: readonly Diagnostic[]

  constructor(diagnostics: readonly Diagnostic[], code: ErrorCode = 'MANIFEST_INVALID') {
    const errors = diagnostics.filter((d) => d.severity === 'error')
    super(code, `${errors.length} error(s) in manifests`, {hint: errors[0]?.hint})
    this.diagnostics = diagnostics
  }
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : ''
}

/** `file:line:col: message` then an indented `hint:` line — the format every command prints. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${formatLocation(d.location)}: ` : d.resource ? `${d.resource}: ` : ''
  const head = `${where}${d.severity}: ${d.message} [${d.rule}]`
  return d.hint ? `${head}\n  hint: ${d.hint}` : head
}

import type {Diagnostic, SourceLocation} from '../errors.js'
import type {DesiredState} from '../model/desired.js'
import type {RuleSeverity} from '../model/desired.js'

export interface Finding {
  readonly message: string
  readonly hint?: string
  readonly location?: SourceLocation
  readonly resource?: string
}

/** A lint rule: a pure function of the desired state of one environment and its options. */
export interface LintRule {
  readonly id: string
  readonly description: string
  readonly defaultSeverity: Exclude<RuleSeverity, 'off'>
  check(desired: DesiredState, options: Readonly<Record<string, unknown>>): Finding[]
}

export type LintDiagnostic = Diagnostic & {readonly environment: string}

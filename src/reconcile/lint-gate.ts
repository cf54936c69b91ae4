import {DiagnosticsError} from '../errors.js'
import type {LintDiagnostic} from '../lint/rule.js'
import {runLint} from '../lint/run-lint.js'
import type {DesiredState} from '../model/desired.js'

/** Lint errors stop plan/apply: what `lint` proves wrong (two owners, an unknown rule) is never applied. */
export class LintRefusal extends DiagnosticsError {
  constructor(findings: readonly LintDiagnostic[], command: string) {
    super(findings, 'LINT_FINDINGS')
    const errors = findings.filter((f) => f.severity === 'error').length
    this.message = `${command} refused: ${errors} lint error(s) in environment ${findings[0]?.environment ?? ''}; fix them (see \`streamctl lint\`) or pass --skip-lint`
  }
}

/**
 * Runs the lint rules on the environment about to be planned. Returns the findings to print as
 * warnings; throws a LintRefusal on any error finding unless `skip` (`--skip-lint`) is set, in
 * which case errors come back as findings too.
 */
export function enforceLint(desired: DesiredState, command: string, skip: boolean): LintDiagnostic[] {
  const findings = runLint(desired)
  if (!skip && findings.some((f) => f.severity === 'error')) throw new LintRefusal(findings, command)
  return findings
}

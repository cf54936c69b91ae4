import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {DiagnosticsError, formatDiagnostic} from '../errors.js'
import type {LintResult} from '../lint/lint-manifests.js'

export default class Lint extends BaseCommand {
  static override description = 'Check manifests against the lint rules (naming, ownership, single writer, schemas, durability)'
  static override examples = ['<%= config.bin %> lint -f manifests/examples', '<%= config.bin %> lint -e prod --json']
  static override flags = {...manifestFlags}

  async run(): Promise<LintResult> {
    const {flags} = await this.parse(Lint)
    const {lintManifests} = await import('../lint/lint-manifests.js')
    const result = await lintManifests({files: flags.file, env: flags.env})
    // Error-severity findings fail the command (exit 1); BaseCommand prints them in either mode.
    if (result.errors > 0) throw new DiagnosticsError(result.findings, 'LINT_FINDINGS')
    for (const f of result.findings) this.out(`${formatDiagnostic(f)} (${f.environment})`)
    this.out(`lint: ${result.environments.join(', ')}: ${result.errors} error(s), ${result.warnings} warning(s)`)
    return result
  }
}

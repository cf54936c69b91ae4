import {BaseCommand, manifestFlags} from '../../cli/base-command.js'
import {connectFlags, loadDesired} from '../../cli/environment.js'
import {DiagnosticsError, StreamctlError} from '../../errors.js'
import type {SchemaCheckResult} from '../../schemas/check-schemas.js'

export default class SchemaCheckCommand extends BaseCommand {
  static override description = 'Check the manifests\' schemas against the environment\'s registry without registering anything'

  static override examples = [
    '<%= config.bin %> schema check -e local',
    '<%= config.bin %> schema check -e prod -f manifests/ --json',
  ]

  static override flags = {...manifestFlags, ...connectFlags}

  async run(): Promise<SchemaCheckResult> {
    const {flags} = await this.parse(SchemaCheckCommand)
    const desired = await loadDesired(flags.file, flags.env)
    const {desiredSubjects, subjectDiagnostic} = await import('../../schemas/desired-subjects.js')
    const {checkSchemas} = await import('../../schemas/check-schemas.js')
    const {connectEnvironment} = await import('../../reconcile/target.js')
    const {pinReferencesAtRegistry} = await import('../../schemas/pin-references.js')
    const {problems} = desiredSubjects(desired)
    if (problems.length > 0) throw new DiagnosticsError(problems.map(subjectDiagnostic))
    const target = await connectEnvironment(desired.environment, {start: !flags['no-start'], onDevEvent: (e) => this.logToStderr(`dev: ${e.message}`)})
    try {
      if (!target.registry) throw new StreamctlError('REGISTRY_ERROR', target.noRegistryReason ?? 'no schema registry', {hint: 'give the environment a registry'})
      const {subjects} = desiredSubjects(await pinReferencesAtRegistry(target.registry, desired))
      const result = await checkSchemas(target.registry, desired.environment.name, subjects)
      this.out(`schema check: environment ${result.environment}, registry ${result.registry}`)
      for (const i of result.items) {
        const where = [i.manifest, i.schemaFile].filter(Boolean).join(', ')
        const version = i.latestVersion === undefined ? '' : ` (latest version ${i.latestVersion}${i.level ? `, ${i.level}` : ''})`
        this.out(`  ${i.status.padEnd(12)} ${i.subject}${version}  [Schema/${i.schema}${where ? `: ${where}` : ''}]`)
        for (const m of i.messages) this.out(`      ${m}`)
      }
      const bad = result.items.filter((i) => !['unchanged', 'new-subject', 'compatible'].includes(i.status)).length
      this.out(result.ok ? `${result.items.length} subject(s) checked: all can be registered.` : `${result.items.length} subject(s) checked: ${bad} cannot be registered.`)
      if (!result.ok) process.exitCode = 1
      return result
    } finally {
      await target.close()
    }
  }
}

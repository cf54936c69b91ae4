import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags} from '../cli/environment.js'
import {formatDiagnostic, type Diagnostic} from '../errors.js'
import {REFERENCE_RULE} from '../schemas/undeclared-references.js'

export interface ValidateResult {
  files: string[]
  environments: {name: string; topics: number; schemas: number; services: number; users: number; quotas: number; jobs: number; policies: number}[]
  warnings: Diagnostic[]
}

export default class Validate extends BaseCommand {
  static override description = 'Check manifests offline: YAML syntax, JSON Schema, references, Kafka rules'
  static override examples = ['<%= config.bin %> validate -f manifests/examples -e prod', '<%= config.bin %> validate -e prod --registry']
  static override flags = {
    ...manifestFlags,
    registry: Flags.boolean({description: "also ask each environment's schema registry (read-only) whether the subjects that references name but no Schema declares are registered"}),
    'no-start': connectFlags['no-start'],
  }

  async run(): Promise<ValidateResult> {
    const {flags} = await this.parse(Validate)
    const {checkManifests} = await import('../manifest/check-manifests.js')
    const checked = await checkManifests({files: flags.file, env: flags.env})
    if (flags.registry) {
      const {checkReferencesAtRegistries} = await import('../schemas/registry-references-check.js')
      await checkReferencesAtRegistries(flags.file, checked, {start: !flags['no-start'], onDevEvent: (e) => this.logToStderr(`dev: ${e.message}`)})
    }
    const result: ValidateResult = {
      files: [...checked.set.files],
      environments: checked.environments.map(({name, desired: d}) => ({
        name, topics: d.cluster.topics.length, schemas: d.schemas.length, services: d.services.length, users: d.users.length, quotas: (d.cluster.quotas ?? []).length, jobs: d.jobs.length, policies: d.policies.length,
      })),
      // With --registry the "must be registered already" warnings are answered (an unregistered one threw).
      warnings: checked.warnings.filter((w) => !flags.registry || w.rule !== REFERENCE_RULE),
    }
    if (!this.jsonEnabled()) for (const w of result.warnings) process.stderr.write(formatDiagnostic(w) + '\n')
    const pc = (await import('../cli/terminal.js')).colors()
    for (const e of result.environments) {
      this.out(`${pc.green('✓')} ${e.name}: ${n(e.topics, 'topic')}, ${n(e.schemas, 'schema')}, ${n(e.services, 'service')}, ${n(e.users, 'user')}, ${n(e.quotas, 'quota entity', 'quota entities')}, ${n(e.jobs, 'job')}, ${n(e.policies, 'policy', 'policies')}`)
    }
    this.out(`${result.files.length} file(s) valid${result.warnings.length ? `, ${result.warnings.length} warning(s)` : ''}`)
    return result
  }
}

function n(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

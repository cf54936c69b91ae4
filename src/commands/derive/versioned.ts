import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../../cli/base-command.js'
import {StreamctlError} from '../../errors.js'
import {jobRunFlags, jobRunOptions} from '../../cli/job-run-flags.js'
import {deriveVersioned} from '../../operations/derive-versioned.js'
import {interruptSignal, withProgress} from '../../operations/progress-view.js'
import {formatReport, type JobReport} from '../../operations/record.js'
import {declaredShape} from '../../operations/declared-topics.js'
import {loadDesired, resolveJobConnection} from '../../operations/resolve-connection.js'
import {DEFAULT_VERSIONED_KEY_TEMPLATE} from '../../operations/versioned-key.js'

export default class DeriveVersioned extends BaseCommand {
  static override description = 'Derive a versioned topic (one record per version) from a table topic'

  static override examples = ['<%= config.bin %> derive versioned --from orders-table --to orders-versioned --service shop --entity order -e dev']

  static override flags = {
    ...manifestFlags,
    ...jobRunFlags,
    from: Flags.string({description: 'table topic (keyed by entity id)', required: true}),
    to: Flags.string({description: 'versioned topic (created when absent: as declared in the manifests, else cleanup.policy=delete, retention.ms=-1)', required: true}),
    service: Flags.string({description: 'service part of the versioned key', required: true}),
    entity: Flags.string({description: 'entity part of the versioned key', required: true}),
    'id-field': Flags.string({description: 'take the id from this JSON value field instead of the record key'}),
    'version-field': Flags.string({description: 'JSON value field holding the version', default: 'version'}),
    'key-format': Flags.string({description: 'versioned key template', default: DEFAULT_VERSIONED_KEY_TEMPLATE}),
    partitions: Flags.integer({description: 'partition count of the target when it is created', min: 1}),
    'dead-letter': Flags.string({description: 'topic for records without a usable id/version (the error in headers)'}),
    bootstrap: Flags.string({description: 'host:port[,host:port] instead of -e'}),
    follow: Flags.boolean({description: 'keep running after the end offsets captured at start', default: false}),
    job: Flags.string({description: 'job name (consumer group, transactional ids)'}),
  }

  async run(): Promise<JobReport> {
    const {flags} = await this.parse(DeriveVersioned)
    if (!flags['key-format'].includes('{version}')) {
      throw new StreamctlError('USAGE', `--key-format '${flags['key-format']}' has no {version} placeholder`, {hint: `e.g. ${DEFAULT_VERSIONED_KEY_TEMPLATE}`})
    }
    const connection = await resolveJobConnection({bootstrap: flags.bootstrap, env: flags.env, files: flags.file})
    const declaredTarget = flags.env && !flags.bootstrap ? declaredShape(await loadDesired(flags.file, flags.env), flags.to) : undefined
    const {signal, dispose} = interruptSignal(process)
    try {
      const report = await withProgress(`derive versioned ${flags.from} → ${flags.to}`, process.stderr, !this.jsonEnabled(), (onEvent) =>
        deriveVersioned({
          ...jobRunOptions(flags),
          from: flags.from, to: flags.to, service: flags.service, entity: flags.entity, idField: flags['id-field'],
          versionField: flags['version-field'], keyTemplate: flags['key-format'], partitions: flags.partitions,
          deadLetter: flags['dead-letter'], follow: flags.follow, job: flags.job, connection, signal, onEvent, declaredTarget,
        }))
      this.out(formatReport(report))
      return report
    } catch (err) {
      throw err instanceof StreamctlError ? err : new StreamctlError('JOB_FAILED', `derive versioned failed: ${(err as Error).message}`, {cause: err, hint: 'rerun the same command to resume'})
    } finally {
      dispose()
    }
  }
}

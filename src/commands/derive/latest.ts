import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../../cli/base-command.js'
import {StreamctlError} from '../../errors.js'
import {jobRunFlags, jobRunOptions} from '../../cli/job-run-flags.js'
import {deriveLatest, type DeriveLatestReport} from '../../operations/derive-latest.js'
import {interruptSignal, withProgress} from '../../operations/progress-view.js'
import {formatReport} from '../../operations/record.js'
import {resolveJobConnection} from '../../operations/resolve-connection.js'

export default class DeriveLatest extends BaseCommand {
  static override description = 'Derive a compacted table holding the latest version per entity from a versioned topic'

  static override examples = ['<%= config.bin %> derive latest --from shop-orders-versioned --to shop-orders-latest -e dev']

  static override flags = {
    ...manifestFlags,
    ...jobRunFlags,
    from: Flags.string({description: 'versioned topic (keys <service>-<entity>-<id>-v<version>)', required: true}),
    to: Flags.string({description: 'compacted table topic (created when absent)', required: true}),
    partitions: Flags.integer({description: 'partition count of the table when it is created', min: 1}),
    'version-field': Flags.string({description: 'take the version from this JSON value field instead of the key'}),
    'dead-letter': Flags.string({description: 'topic for records without a usable key/version (the error in headers)'}),
    'state-dir': Flags.string({description: 'local state store directory (default .streamctl/state/<job>)'}),
    bootstrap: Flags.string({description: 'host:port[,host:port] instead of -e'}),
    follow: Flags.boolean({description: 'keep running after the end offsets captured at start', default: false}),
    job: Flags.string({description: 'job name (consumer group, transactional ids, state dir)'}),
  }

  async run(): Promise<DeriveLatestReport> {
    const {flags} = await this.parse(DeriveLatest)
    const connection = await resolveJobConnection({bootstrap: flags.bootstrap, env: flags.env, files: flags.file})
    const {signal, dispose} = interruptSignal(process)
    try {
      const report = await withProgress(`derive latest ${flags.from} → ${flags.to}`, process.stderr, !this.jsonEnabled(), (onEvent) =>
        deriveLatest({
          ...jobRunOptions(flags),
          from: flags.from, to: flags.to, partitions: flags.partitions, versionField: flags['version-field'], deadLetter: flags['dead-letter'],
          stateDir: flags['state-dir'], follow: flags.follow, job: flags.job, connection, signal, onEvent,
        }))
      this.out(`${formatReport(report)}\n  entities      ${report.entities}${report.stateRebuilt ? ' (state rebuilt from the table)' : ''}`)
      return report
    } catch (err) {
      throw err instanceof StreamctlError ? err : new StreamctlError('JOB_FAILED', `derive latest failed: ${(err as Error).message}`, {cause: err, hint: 'rerun the same command to resume'})
    } finally {
      dispose()
    }
  }
}

import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {StreamctlError} from '../errors.js'
import {jobRunFlags, jobRunOptions} from '../cli/job-run-flags.js'
import {formatReport} from '../operations/record.js'
import {interruptSignal, withProgress} from '../operations/progress-view.js'
import {repartition, type RepartitionReport} from '../operations/repartition.js'
import {resolveJobConnection} from '../operations/resolve-connection.js'

export default class Repartition extends BaseCommand {
  static override description = 'Copy a topic into one with another partition count and/or a key taken from the value (exactly once)'

  static override examples = [
    '<%= config.bin %> repartition --from orders --to orders.v2 --partitions 12 -e dev',
    "<%= config.bin %> repartition --from orders --to orders-by-customer --key '$.customer.id' --bootstrap 127.0.0.1:9092",
  ]

  static override flags = {
    ...manifestFlags,
    ...jobRunFlags,
    from: Flags.string({description: 'source topic', required: true}),
    to: Flags.string({description: 'target topic (created from the source configs when absent)', required: true}),
    partitions: Flags.integer({description: 'partition count of the target when it is created', min: 1}),
    key: Flags.string({description: "new key: JSONPath subset into the JSON value ($.a.b, $.items[0], $['x'])", exclusive: ['key-field']}),
    'key-field': Flags.string({description: 'new key: a field of the JSON value (dots for nesting)', exclusive: ['key']}),
    'dead-letter': Flags.string({description: 'topic for records whose key cannot be extracted (the error in headers)'}),
    bootstrap: Flags.string({description: 'host:port[,host:port] instead of -e'}),
    follow: Flags.boolean({description: 'keep running after the end offsets captured at start', default: false}),
    job: Flags.string({description: 'job name (consumer group, transactional ids); rerun with the same name to resume'}),
  }

  async run(): Promise<RepartitionReport> {
    const {flags} = await this.parse(Repartition)
    const connection = await resolveJobConnection({bootstrap: flags.bootstrap, env: flags.env, files: flags.file})
    const {signal, dispose} = interruptSignal(process)
    try {
      const report = await withProgress(`repartition ${flags.from} → ${flags.to}`, process.stderr, !this.jsonEnabled(), (onEvent) =>
        repartition({
          ...jobRunOptions(flags),
          from: flags.from, to: flags.to, partitions: flags.partitions, key: flags.key ?? flags['key-field'],
          deadLetter: flags['dead-letter'], follow: flags.follow, job: flags.job, connection, signal, onEvent,
        }))
      this.out(formatReport(report) + (report.targetCreated ? `\n  target ${flags.to} created with ${report.targetPartitions} partitions` : ''))
      return report
    } catch (err) {
      throw err instanceof StreamctlError ? err : new StreamctlError('JOB_FAILED', `repartition failed: ${(err as Error).message}`, {cause: err, hint: 'rerun the same command to resume from the last committed batch'})
    } finally {
      dispose()
    }
  }
}

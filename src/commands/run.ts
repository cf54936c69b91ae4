import {Args, Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {jobRunFlags, jobRunOptions} from '../cli/job-run-flags.js'
import {StreamctlError} from '../errors.js'
import {interruptSignal, withProgress} from '../operations/progress-view.js'
import {formatReport, type JobReport} from '../operations/record.js'
import {loadDesired} from '../operations/resolve-connection.js'
import {findJob, runJobSpec} from '../operations/run-job-spec.js'

export default class Run extends BaseCommand {
  static override description = 'Run a Job declared in the manifests (repartition, migrate, derive-latest, derive-versioned) against an environment'

  static override examples = ['<%= config.bin %> run repartition-orders -e dev', '<%= config.bin %> run orders-latest -e prod --follow']

  static override args = {
    job: Args.string({description: 'name of the Job resource', required: true}),
  }

  static override flags = {
    ...manifestFlags,
    follow: Flags.boolean({description: 'keep running after the end offsets captured at start', default: false}),
    ...jobRunFlags,
  }

  async run(): Promise<JobReport> {
    const {args, flags} = await this.parse(Run)
    if (!flags.env) throw new StreamctlError('USAGE', 'run needs an environment', {hint: `streamctl run ${args.job} -e <environment>`})
    const desired = await loadDesired(flags.file, flags.env)
    const spec = findJob(desired, args.job)
    const {signal, dispose} = interruptSignal(process)
    try {
      const report = await withProgress(`${spec.kind} ${spec.name}: ${spec.source.topic} → ${spec.target.topic}`, process.stderr, !this.jsonEnabled(), (onEvent) =>
        runJobSpec({desired, files: flags.file, jobName: args.job, follow: flags.follow, ...jobRunOptions(flags), signal, onEvent}))
      this.out(formatReport(report))
      return report
    } catch (err) {
      throw err instanceof StreamctlError ? err : new StreamctlError('JOB_FAILED', `job ${args.job} failed: ${(err as Error).message}`, {cause: err, hint: 'rerun the same command to resume from the last committed batch'})
    } finally {
      dispose()
    }
  }
}

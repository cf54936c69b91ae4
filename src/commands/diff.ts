import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags} from '../cli/environment.js'
import {terminalStyler} from '../cli/terminal.js'
import {StreamctlError} from '../errors.js'
import type {Plan} from '../plan/index.js'
import type {DiffSide} from '../reconcile/diff-states.js'

const SIDE_HELP = 'ENV (live cluster of an environment), manifest:ENV (its desired state) or bootstrap:host:port[,host:port]'

export default class DiffCommand extends BaseCommand {
  static override description = 'Compare two environments (live or declared): topics, partitions, replication, configs, ACLs, connectors'

  static override examples = [
    '<%= config.bin %> diff --from staging --to prod',
    '<%= config.bin %> diff --from manifest:prod --to prod',
    '<%= config.bin %> diff --from bootstrap:127.0.0.1:9092 --to bootstrap:127.0.0.1:9192 --markdown',
  ]

  static override flags = {
    file: manifestFlags.file,
    ...connectFlags,
    from: Flags.string({description: `the "before" side: ${SIDE_HELP}`, required: true}),
    to: Flags.string({description: `the "after" side: ${SIDE_HELP}`, required: true}),
    markdown: Flags.boolean({description: 'render as markdown', exclusive: ['json']}),
    'detailed-exitcode': Flags.boolean({description: 'exit 0 when both sides match, 2 when they differ, 3 when a difference could not be planned (blocked), 1 on error'}),
  }

  async run(): Promise<Plan> {
    const {flags} = await this.parse(DiffCommand)
    const closers: (() => Promise<void>)[] = []
    try {
      const from = await this.side(flags.from, flags.file, !flags['no-start'], closers)
      const to = await this.side(flags.to, flags.file, !flags['no-start'], closers)
      const {diffSides} = await import('../reconcile/diff-states.js')
      const {TOPIC_DEFAULTS} = await import('../reconcile/plan-environment.js')
      const plan = diffSides(from, to, TOPIC_DEFAULTS)
      const render = await import('../render/index.js')
      const wording = {heading: `streamctl diff: ${from.label} → ${to.label}`, noChanges: 'No differences.'}
      this.out(flags.markdown ? render.renderPlanMarkdown(plan, wording) : render.renderPlanText(plan, terminalStyler(), wording))
      if (flags['detailed-exitcode']) {
        const {detailedExitCode} = await import('../reconcile/exit-codes.js')
        process.exitCode = detailedExitCode(plan)
      }
      return plan
    } finally {
      for (const close of closers) await close()
    }
  }

  private async side(spec: string, files: string[], start: boolean, closers: (() => Promise<void>)[]): Promise<DiffSide> {
    const {loadDesired} = await import('../cli/environment.js')
    if (spec.startsWith('manifest:')) {
      const name = spec.slice('manifest:'.length)
      // A declared side needs no connection, so missing connection secrets do not matter.
      const desired = await loadDesired(files, name, {offline: true})
      const {manifestConnectorSide} = await import('../connect/diff-connectors.js')
      const connectors = await manifestConnectorSide(desired)
      return {kind: 'manifest', label: spec, desired, ...(connectors ? {connectors} : {})}
    }
    const {adHocEnvironment, connectEnvironment} = await import('../reconcile/target.js')
    let environment
    let declaresConnectors = false
    if (spec.startsWith('bootstrap:')) {
      const list = spec.slice('bootstrap:'.length).split(',').filter(Boolean)
      if (list.length === 0) throw new StreamctlError('USAGE', `no broker in "${spec}"`, {hint: 'use bootstrap:host:port[,host:port]'})
      environment = adHocEnvironment(list, spec)
    } else {
      const desired = await loadDesired(files, spec)
      environment = desired.environment
      const {managesConnectors} = await import('../connect/environment-connectors.js')
      declaresConnectors = managesConnectors(desired)
    }
    const target = await connectEnvironment(environment, {start})
    closers.push(() => target.close())
    const {observeLive} = await import('../reconcile/plan-environment.js')
    const observed = await observeLive(target, {internalTopics: false})
    const {liveConnectorSide} = await import('../connect/diff-connectors.js')
    const connectors = await liveConnectorSide(environment, spec, start, declaresConnectors)
    return {kind: 'live', label: spec, observed, ...(connectors ? {connectors} : {})}
  }
}

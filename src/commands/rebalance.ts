import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags, loadDesired, parseDuration, withBootstrap} from '../cli/environment.js'
import {askYes, isInteractive, terminalStyler} from '../cli/terminal.js'
import {StreamctlError} from '../errors.js'
import type {Plan} from '../plan/index.js'
import type {ApplyReport} from '../reconcile/apply-environment.js'

export default class RebalanceCommand extends BaseCommand {
  static override description = 'Plan (and with --apply, run) a cluster-wide rebalance of the declared topics: replicas and leaders spread over brokers and racks, or --drain a broker'

  static override examples = [
    '<%= config.bin %> rebalance -e prod --throttle 10485760',
    '<%= config.bin %> rebalance -e prod --drain 4 --markdown',
    '<%= config.bin %> rebalance -e prod --drain 4 --throttle 10485760 --apply --auto-approve',
  ]

  static override flags = {
    ...manifestFlags,
    ...connectFlags,
    drain: Flags.integer({description: 'move every replica off this broker (repeatable), e.g. before its decommission', multiple: true, min: 0}),
    throttle: Flags.integer({description: 'replication throttle in bytes/s per broker while replicas move (also sets the ETA)', min: 1}),
    apply: Flags.boolean({description: 'run the moves after showing the plan (asks first unless --auto-approve)'}),
    'auto-approve': Flags.boolean({description: 'with --apply: do not ask for confirmation (required without a terminal)'}),
    markdown: Flags.boolean({description: 'render the plan as markdown', exclusive: ['json', 'apply']}),
    'lock-wait': Flags.string({description: 'with --apply: how long to wait for another apply holding the lock (e.g. 2m)', default: '0s'}),
  }

  async run(): Promise<Plan | ApplyReport> {
    const {flags} = await this.parse(RebalanceCommand)
    const desired = await loadDesired(flags.file, flags.env)
    const confirmNeeded = flags.apply && !flags['auto-approve']
    if (confirmNeeded && !isInteractive()) {
      throw new StreamctlError('USAGE', 'refusing to rebalance without confirmation: there is no terminal to ask', {hint: 'review with `streamctl rebalance`, then run it with --apply --auto-approve', exitCode: 2})
    }
    const render = await import('../render/index.js')
    const {connectEnvironment} = await import('../reconcile/target.js')
    const target = await connectEnvironment(withBootstrap(desired.environment, flags.bootstrap), {start: !flags['no-start'], onDevEvent: (e) => this.logToStderr(`dev: ${e.message}`)})
    try {
      const drain = flags.drain ?? []
      if (!flags.apply) {
        const {planRebalanceEnvironment} = await import('../reconcile/rebalance-environment.js')
        const {plan} = await planRebalanceEnvironment(target, desired, {throttle: flags.throttle, drain})
        if (flags.markdown) this.out(render.renderPlanMarkdown(plan))
        else this.out(render.renderPlanText(plan, terminalStyler()))
        if (plan.blocked.length > 0) process.exitCode = (await import('../reconcile/exit-codes.js')).EXIT_BLOCKED
        return plan
      }
      const {applyEnvironment} = await import('../reconcile/apply-environment.js')
      const {applyEndLines, terminalApplyHooks} = await import('../cli/apply-progress.js')
      const report = await applyEnvironment(target, desired, {
        rebalance: {drain},
        throttle: flags.throttle,
        lockWaitMs: parseDuration(flags['lock-wait'], '--lock-wait'),
        streamctlVersion: this.config.version,
        ...terminalApplyHooks({print: (plan) => this.out(render.renderPlanText(plan, terminalStyler())), ...(confirmNeeded ? {question: `Move these replicas on ${desired.environment.name}?`} : {}), json: this.jsonEnabled(), ask: askYes}),
      })
      const c = report.result?.counts
      this.out({
        'no-changes': 'No moves: the replicas are spread as the placement asks.',
        declined: 'Rebalance cancelled: nothing was moved.',
        validated: 'Nothing was moved.',
        applied: `Rebalance complete: ${c?.done ?? 0} step(s) done.`,
        failed: `Rebalance failed: ${c?.done ?? 0} done, ${c?.failed ?? 0} failed, ${c?.skipped ?? 0} not started. Re-run it: a move in flight is waited for, not repeated.`,
      }[report.outcome])
      // No --allow-blocked here: a rebalance with a blocked move exits 3.
      const end = await applyEndLines(report, {})
      if (end.lines.length > 0) this.logToStderr(end.lines.join('\n'))
      if (end.exitCode !== undefined) process.exitCode = end.exitCode
      return report
    } finally {
      await target.close()
    }
  }
}

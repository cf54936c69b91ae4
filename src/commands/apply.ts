import {readFile} from 'node:fs/promises'
import {Args, Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags, withBootstrap, loadDesired, parseDuration} from '../cli/environment.js'
import {askYes, isInteractive, terminalStyler} from '../cli/terminal.js'
import {StreamctlError} from '../errors.js'
import type {ApplyReport} from '../reconcile/apply-environment.js'

export default class ApplyCommand extends BaseCommand {
  static override description = 'Make the cluster match the manifests (or apply a saved plan exactly)'

  static override examples = [
    '<%= config.bin %> apply -e local -f manifests/examples --auto-approve',
    '<%= config.bin %> apply plan.json -e prod',
    '<%= config.bin %> apply -e staging --dry-run',
  ]

  static override args = {plan: Args.string({description: 'a plan saved with `streamctl plan -o FILE`', required: false})}

  static override flags = {
    ...manifestFlags,
    ...connectFlags,
    'auto-approve': Flags.boolean({description: 'apply without asking for confirmation (required without a terminal)'}),
    'dry-run': Flags.boolean({description: "let the brokers validate the changes (validate-only modes); nothing is changed"}),
    'allow-delete': Flags.boolean({description: 'delete undeclared topics even without a prune scope (never protected ones)'}),
    'allow-active-delete': Flags.string({description: 'delete this topic even while groups read it or it was written recently (the active-delete rule); repeat for more', multiple: true}),
    'retention-step': Flags.integer({description: 'cut retention.ms by at most this factor per apply', min: 2}),
    throttle: Flags.integer({description: 'replication throttle in bytes/s for replica moves', min: 1}),
    'allow-blocked': Flags.boolean({description: 'exit 0 even when blocked items remain (they are still listed and never applied)'}),
    'skip-lint': Flags.boolean({description: 'apply even when the lint rules report errors (they are printed as warnings)'}),
    'lock-wait': Flags.string({description: 'how long to wait for another apply holding the lock (e.g. 2m)', default: '0s'}),
  }

  async run(): Promise<ApplyReport> {
    const {args, flags} = await this.parse(ApplyCommand)
    const render = await import('../render/index.js')
    const savedPlan = args.plan ? render.parsePlanJson(await readFile(args.plan, 'utf8'), args.plan) : undefined
    const desired = await loadDesired(flags.file, flags.env ?? savedPlan?.environment)
    const {enforceLint} = await import('../reconcile/lint-gate.js')
    const {lintWarningLines} = await import('../render/lint-warnings.js')
    for (const line of lintWarningLines(enforceLint(desired, 'apply', flags['skip-lint']))) this.logToStderr(line)
    const confirmNeeded = !flags['auto-approve'] && !flags['dry-run']
    if (confirmNeeded && !isInteractive()) {
      throw new StreamctlError('USAGE', 'refusing to apply without confirmation: there is no terminal to ask', {hint: 'review with `streamctl plan`, then run apply with --auto-approve', exitCode: 2})
    }
    const {connectEnvironment} = await import('../reconcile/target.js')
    const {applyEnvironment} = await import('../reconcile/apply-environment.js')
    const {applyEndLines, terminalApplyHooks} = await import('../cli/apply-progress.js')
    const target = await connectEnvironment(withBootstrap(desired.environment, flags.bootstrap), {start: !flags['no-start'], onDevEvent: (e) => this.logToStderr(`dev: ${e.message}`)})
    try {
      const report = await applyEnvironment(target, desired, {
        savedPlan,
        allowDelete: flags['allow-delete'],
        allowActiveDelete: flags['allow-active-delete'],
        startConnect: !flags['no-start'],
        retentionStep: flags['retention-step'],
        throttle: flags.throttle,
        validateOnly: flags['dry-run'],
        lockWaitMs: parseDuration(flags['lock-wait'], '--lock-wait'),
        streamctlVersion: this.config.version,
        ...terminalApplyHooks({print: (plan) => this.out(render.renderPlanText(plan, terminalStyler())), ...(confirmNeeded ? {question: `Apply these changes to ${desired.environment.name}?`} : {}), json: this.jsonEnabled(), ask: askYes}),
      })
      this.out(outcomeText(report))
      const visibility = report.result ? render.renderVisibility(report.result) : undefined
      if (visibility && report.result?.visibility?.converged) this.out(visibility)
      else if (visibility) this.logToStderr(visibility)
      const end = await applyEndLines(report, {allowBlocked: flags['allow-blocked'] ?? false})
      if (end.lines.length > 0) this.logToStderr(end.lines.join('\n'))
      if (end.exitCode !== undefined) process.exitCode = end.exitCode
      return report
    } finally {
      await target.close()
    }
  }
}

function outcomeText(report: ApplyReport): string {
  const c = report.result?.counts
  const k = report.connectors
  const blocked = report.plan.blocked.length
  switch (report.outcome) {
    case 'no-changes': return blocked > 0
      ? `No changes applied: ${blocked} blocked item(s) keep the cluster from matching the manifests.`
      : 'No changes. The cluster matches the manifests.'
    case 'declined': return 'Apply cancelled: nothing was changed.'
    case 'validated': return `Dry run: the brokers accepted ${c?.validated ?? 0} change(s); ${c?.skipped ?? 0} could not be validated (no validate-only mode). Nothing was changed.`
    case 'applied': return `Apply complete: ${(c?.done ?? 0) + (k?.done.length ?? 0)} change(s) made${k ? ` (${k.done.length} to connectors)` : ''}${blocked > 0 ? `; ${blocked} blocked item(s) not applied` : ''}.`
    case 'failed': return k?.failed
      ? `Apply failed at connector ${k.failed.action.connector}: ${k.failed.error.message}; ${c?.done ?? 0} Kafka change(s) and ${k.done.length} connector change(s) done, ${k.notStarted.length} not started. Re-run apply to converge once the cause is fixed.`
      : `Apply failed: ${c?.done ?? 0} done, ${c?.failed ?? 0} failed, ${c?.skipped ?? 0} not started. Re-run apply to converge once the cause is fixed.`
  }
}

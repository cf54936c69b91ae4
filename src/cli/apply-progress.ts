import {Listr} from 'listr2'
import type {ApplyEvent, ApplyResult} from '../apply/events.js'
import type {Plan} from '../plan/index.js'
import type {ApplyReport} from '../reconcile/apply-environment.js'

/**
 * Runs an apply's execution inside a listr2 task: the title follows the batch being sent,
 * the output shows each action's outcome. Without a TTY listr2 falls back to plain lines.
 */
export function listrExecution(subscribe: (listener: (e: ApplyEvent) => void) => void) {
  return async (plan: Plan, run: () => Promise<ApplyResult>): Promise<ApplyResult> => {
    let result: ApplyResult | undefined
    const tasks = new Listr(
      [{
        title: `Applying ${plan.actions.length} change(s) to ${plan.environment}`,
        task: async (_ctx, task) => {
          let done = 0
          subscribe((e) => {
            if (e.type === 'batch.start') task.title = `Applying: ${e.kind} (${e.actions.length})`
            else if (e.type === 'action.done') task.output = `✔ ${e.action} (${++done}/${plan.actions.length})`
            else if (e.type === 'action.failed') task.output = `✖ ${e.action}: ${e.error}`
            else if (e.type === 'reassignment.batch') task.output = `moving ${e.topic}: batch ${e.batch}/${e.batches} (partition ${e.partitions.join(', ')})`
            else if (e.type === 'reassignment.progress') task.output = `moving replicas of ${e.topic}: ${e.remainingPartitions} partition(s) left`
            else if (e.type === 'visibility.wait') task.output = `waiting until ${e.brokers} broker(s) read back the changes (${e.topics} topic(s), ${e.configs} config set(s), ${e.acls} ACL(s))`
            else if (e.type === 'visibility.done') task.output = e.converged ? `visible on all ${e.brokers} broker(s) after ${e.ms} ms` : `${e.pendingCount} change(s) not yet visible after ${e.ms} ms`
          })
          result = await run()
          task.title = result.ok ? `Applied ${result.counts.done} change(s) to ${plan.environment}` : `Apply stopped: ${result.counts.failed} failed`
          if (!result.ok) throw new Error('apply failed')
        },
      }],
      {exitOnError: false, rendererOptions: {collapseErrors: false}, fallbackRendererCondition: !process.stdout.isTTY, fallbackRenderer: 'simple'},
    )
    await tasks.run()
    return result!
  }
}

/**
 * The interactive parts of an apply request, as `apply` and `rebalance --apply` both use them:
 * the plan printed, the question asked (when `question` is given), progress through listr2 unless
 * the output is JSON.
 */
export function terminalApplyHooks(opts: {print: (plan: Plan) => void; question?: string; json: boolean; ask: (q: string) => Promise<boolean>}): {
  onPlan: (plan: Plan) => void
  confirm?: () => Promise<boolean>
  onEvent: (e: ApplyEvent) => void
  wrapExecution?: (plan: Plan, run: () => Promise<ApplyResult>) => Promise<ApplyResult>
} {
  const listeners: ((e: ApplyEvent) => void)[] = []
  return {
    onPlan: opts.print,
    ...(opts.question === undefined ? {} : {confirm: () => opts.ask(opts.question!)}),
    onEvent: (e) => listeners.forEach((l) => l(e)),
    ...(opts.json ? {} : {wrapExecution: listrExecution((l) => listeners.push(l))}),
  }
}

/**
 * What an apply's end says on stderr and the exit code it sets: a failure names its problems
 * (exit 1); blocked items are never success: each is named, and exit 3 unless the caller
 * accepts them (`apply --allow-blocked`: `allowBlocked` false means the flag exists and was not
 * given, so the hint names it; undefined, a command without it). Undefined exit code: exit 0.
 */
export async function applyEndLines(report: ApplyReport, opts: {allowBlocked?: boolean} = {}): Promise<{lines: string[]; exitCode?: number}> {
  if (report.outcome === 'failed') {
    const {renderApplyProblems} = await import('../render/index.js')
    return {lines: report.result ? renderApplyProblems(report.result) : [], exitCode: 1}
  }
  if (report.plan.blocked.length === 0 || report.outcome === 'declined') return {lines: []}
  const lines = report.plan.blocked.map((b) => `  blocked: ${b.resource} [${b.kind}]: ${b.reason}\n    way out: ${b.wayOut}`)
  if (opts.allowBlocked) return {lines: [...lines, `${report.plan.blocked.length} blocked item(s) accepted (--allow-blocked)`]}
  const {EXIT_BLOCKED} = await import('../reconcile/exit-codes.js')
  return {
    lines: [...lines, `error: ${report.plan.blocked.length} blocked item(s) were not applied\n  hint: resolve them (see each way out)${opts.allowBlocked === undefined ? '' : ', or pass --allow-blocked to accept them'}`],
    exitCode: EXIT_BLOCKED,
  }
}

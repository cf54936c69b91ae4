import {writeFile} from 'node:fs/promises'
import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags, withBootstrap, loadDesired} from '../cli/environment.js'
import {terminalStyler} from '../cli/terminal.js'
import type {Plan} from '../plan/index.js'

export default class PlanCommand extends BaseCommand {
  static override description = 'Show what apply would change: the diff between the manifests and the live cluster'

  static override examples = [
    '<%= config.bin %> plan -e local',
    '<%= config.bin %> plan -e prod --markdown > plan.md',
    '<%= config.bin %> plan -e prod -o plan.json --detailed-exitcode',
  ]

  static override flags = {
    ...manifestFlags,
    ...connectFlags,
    markdown: Flags.boolean({description: 'render the plan as markdown (for pull-request comments)', exclusive: ['json']}),
    graph: Flags.boolean({description: 'with --markdown: embed a Mermaid graph of the topics the plan touches, their producers and readers', dependsOn: ['markdown']}),
    out: Flags.string({char: 'o', description: 'save the plan as JSON to this file, for `streamctl apply FILE`'}),
    'detailed-exitcode': Flags.boolean({description: 'exit 0 when there are no changes, 2 when changes are pending, 3 when anything is blocked, 1 on error'}),
    'skip-lint': Flags.boolean({description: 'plan even when the lint rules report errors (they are printed as warnings)'}),
    'allow-delete': Flags.boolean({description: 'plan deletion of undeclared topics even without a prune scope (never protected ones)'}),
    'allow-active-delete': Flags.string({description: 'delete this topic even while groups read it or it was written recently (the active-delete rule); repeat for more', multiple: true}),
    'retention-step': Flags.integer({description: 'cut retention.ms by at most this factor per apply', min: 2}),
    throttle: Flags.integer({description: 'replication throttle in bytes/s for replica moves', min: 1}),
  }

  async run(): Promise<Plan> {
    const {flags} = await this.parse(PlanCommand)
    const desired = await loadDesired(flags.file, flags.env)
    const {enforceLint} = await import('../reconcile/lint-gate.js')
    const {lintWarningLines} = await import('../render/lint-warnings.js')
    for (const line of lintWarningLines(enforceLint(desired, 'plan', flags['skip-lint']))) this.logToStderr(line)
    const {connectEnvironment} = await import('../reconcile/target.js')
    const {planEnvironment} = await import('../reconcile/plan-environment.js')
    const target = await connectEnvironment(withBootstrap(desired.environment, flags.bootstrap), {start: !flags['no-start'], onDevEvent: (e) => this.logToStderr(`dev: ${e.message}`)})
    try {
      const {plan} = await planEnvironment(target, desired, {allowDelete: flags['allow-delete'], allowActiveDelete: flags['allow-active-delete'], startConnect: !flags['no-start'], retentionStep: flags['retention-step'], throttle: flags.throttle})
      const render = await import('../render/index.js')
      if (flags.out) {
        await writeFile(flags.out, render.renderPlanJson(plan))
        this.logToStderr(`plan saved to ${flags.out} (digest ${plan.digest.slice(0, 12)})`)
      }
      if (flags.markdown) {
        const {touchedGraphMermaid} = await import('../graph/index.js')
        this.out(render.renderPlanMarkdown(plan, {}, flags.graph ? {mermaid: touchedGraphMermaid(desired, plan)} : {}))
      }
      else this.out(render.renderPlanText(plan, terminalStyler()))
      // A plan that apply would refuse (wrong cluster, incompatible schema) is an error, not "changes".
      const {planRefusal} = await import('../plan/index.js')
      const refusal = planRefusal(plan)
      if (refusal) {
        this.logToStderr(`error: ${refusal.message}\n  hint: ${refusal.hint}`)
        process.exitCode = 1
      } else if (flags['detailed-exitcode']) {
        // Blocked outranks pending: a plan with blocked items never makes the cluster match.
        const {detailedExitCode} = await import('../reconcile/exit-codes.js')
        process.exitCode = detailedExitCode(plan)
      }
      return plan
    } finally {
      await target.close()
    }
  }
}

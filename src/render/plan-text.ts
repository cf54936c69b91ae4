import type {Plan} from '../plan/plan.js'
import {assertNoSecrets} from './no-secrets.js'
import {renderConnectorPlanText} from './connector-plan-text.js'
import {replicaLine, replicaPartitionLines} from './replica-lines.js'
import type {DisplayLine, Sign} from './plan-sections.js'
import {aclText, impactBlocks, planSections, summaryLine} from './plan-sections.js'
import type {Styler} from './styler.js'
import {plainStyler} from './styler.js'

/** The human diff, Terraform / kubectl-diff style, rendered from the plan's JSON data. */
/** Wording for reuse of the plan renderers by `diff` (a plan from one side to the other). */
export interface PlanWording {
  readonly heading?: string
  readonly noChanges?: string
}

export function renderPlanText(plan: Plan, styler: Styler = plainStyler, wording: PlanWording = {}): string {
  assertNoSecrets(plan)
  const paint = (sign: Sign, s: string): string =>
    sign === '+' ? styler.add(s) : sign === '-' ? styler.remove(s) : sign === '~' ? styler.change(s) : styler.blocked(s)
  const risk = (l: DisplayLine): string => (l.risk === undefined || l.risk === 'safe' ? '' : styler.dim(`  [${l.risk}]`))

  const out: string[] = []
  out.push(styler.bold(wording.heading ?? `streamctl plan: environment ${plan.environment}, cluster ${plan.clusterId ?? '(unknown)'}`), '')
  const sections = planSections(plan)
  const connectorChanges = plan.connectors?.actions.length ?? 0
  if (sections.length === 0 && connectorChanges === 0) out.push(wording.noChanges ?? 'No changes. The cluster matches the manifests.', '')
  for (const s of sections) {
    out.push(paint(s.sign, `${s.sign} ${styler.bold(s.title)}`))
    for (const l of s.lines) {
      out.push(`    ${paint(l.sign, `${l.sign} ${l.text}`)}${risk(l)}`)
      for (const d of l.detail ?? []) out.push(`        ${d}`)
    }
    out.push('')
  }

  if (plan.connectors && (connectorChanges > 0 || plan.connectors.unmanaged.length > 0)) {
    // Applied last, once the topics and ACLs above exist.
    out.push(styler.bold('Connectors (Kafka Connect, applied after the changes above):'), renderConnectorPlanText(plan.connectors, styler).trimEnd(), '')
  }

  if ((plan.replicas?.length ?? 0) > 0) {
    out.push(styler.bold('Replicas (read-only copies kept by MirrorMaker 2; lag read now):'))
    for (const r of plan.replicas ?? []) {
      out.push(`    ${replicaLine(r)}`)
      for (const l of replicaPartitionLines(r)) out.push(`        ${l}`)
    }
    out.push('')
  }

  const impact = impactBlocks(plan)
  if (impact.length > 0) {
    out.push(styler.bold('Impact (who uses what the risky changes touch, read from the cluster now):'))
    for (const b of impact) {
      out.push(`    ${styler.bold(b.title)}`)
      for (const l of b.lines) out.push(`        ${l}`)
      for (const f of b.findings) out.push(`        ${f.severity === 'error' ? styler.blocked(`! ${f.text}`) : styler.change(`~ ${f.text}`)}`)
    }
    out.push('')
  }

  if (plan.drift.length > 0) {
    out.push(styler.bold('Drift (broker-level settings that differ from Kafka\'s defaults; not changed by apply):'))
    for (const d of plan.drift) {
      out.push(`    ${d.key} = ${d.value ?? '(null)'} from ${d.source} (Kafka default ${d.kafkaDefault ?? '(none)'}) on ${d.topics.length} topic(s): ${d.topics.join(', ')}`)
    }
    out.push('')
  }
  const {topics, acls, users, quotas} = plan.unmanaged
  if (topics.length + acls.length + users.length + quotas.length > 0) {
    out.push(styler.bold('Unmanaged (left alone):'))
    for (const t of topics) out.push(styler.dim(`    topic ${t.name} (${t.reason})`))
    for (const a of acls) out.push(styler.dim(`    ${aclText(a, true)}`))
    for (const u of users) out.push(styler.dim(`    user ${u.name} (${u.reason})`))
    for (const q of quotas) out.push(styler.dim(`    quota ${q.entity} (${q.reason})`))
    out.push('')
  }
  out.push(styler.bold(summaryLine(plan)))
  return `${out.join('\n')}\n`
}

import type {Plan} from '../plan/plan.js'
import {assertNoSecrets} from './no-secrets.js'
import {replicaLine, replicaPartitionLines} from './replica-lines.js'
import {renderConnectorPlanText} from './connector-plan-text.js'
import {aclText, impactBlocks, jobYamlLines, planSections, summaryLine} from './plan-sections.js'
import type {PlanWording} from './plan-text.js'

/** Markdown for CI pull-request comments: summary table, a diff block per topic, blocked, drift. */
export function renderPlanMarkdown(plan: Plan, wording: PlanWording = {}, extras: {readonly mermaid?: string} = {}): string {
  assertNoSecrets(plan)
  const cell = (s: string): string => s.replace(/\|/g, '\\|')
  const s = plan.summary
  const out: string[] = [
    `### ${wording.heading ?? `streamctl plan: \`${plan.environment}\``}`,
    '',
    '| Add | Change | Destroy | Blocked |',
    '|---:|---:|---:|---:|',
    `| ${s.add} | ${s.change} | ${s.destroy} | ${s.blocked} |`,
    '',
    `Cluster \`${plan.clusterId ?? 'unknown'}\` · plan digest \`${plan.digest}\``,
    '',
  ]
  const sections = planSections(plan)
  const connectorChanges = plan.connectors?.actions.length ?? 0
  if (sections.length === 0 && connectorChanges === 0) out.push(wording.noChanges === undefined ? '**No changes.** The cluster matches the manifests.' : `**${wording.noChanges}**`, '')
  for (const sec of sections) {
    out.push(`#### ${sec.sign} ${sec.title.replace(/^(\S+) (.*)$/, '$1 `$2`')}`, '', '```diff')
    for (const l of sec.lines) out.push(`${l.sign} ${l.text}${l.risk === undefined || l.risk === 'safe' ? '' : `  [${l.risk}]`}`)
    out.push('```', '')
  }
  if (plan.blocked.length > 0) {
    out.push('#### Blocked', '')
    for (const b of plan.blocked) {
      out.push(`- **${b.resource}** (\`${b.kind}\`): ${b.reason}`, `  - way out: ${b.wayOut}`)
      if (b.job) {
        out.push('  - generated job:', '', '    ```yaml')
        for (const l of jobYamlLines(b.job)) out.push(`    ${l}`)
        out.push('    ```')
      }
    }
    out.push('')
  }
  if (plan.connectors && (connectorChanges > 0 || plan.connectors.unmanaged.length > 0)) {
    out.push('#### Connectors (applied after the changes above)', '', '```diff', ...renderConnectorPlanText(plan.connectors).trimEnd().split('\n').map((l) => l.replace(/^ {4}/, '')), '```', '')
  }
  if ((plan.replicas?.length ?? 0) > 0) {
    out.push('#### Replicas (lag read when the plan was made)', '')
    for (const r of plan.replicas ?? []) {
      out.push(`- ${replicaLine(r)}`)
      for (const l of replicaPartitionLines(r)) out.push(`  - ${l}`)
    }
    out.push('')
  }
  const impact = impactBlocks(plan)
  if (impact.length > 0) {
    out.push('#### Impact', '', 'Who uses what the risky changes touch, read from the cluster when the plan was made.', '')
    for (const b of impact) {
      out.push(`- **${b.title.replace(/ (\S+)$/, ' `$1`')}**`)
      for (const f of b.findings) out.push(`  - ${f.severity === 'error' ? '⛔' : '⚠️'} ${f.text}`)
      for (const l of b.lines) out.push(`  - ${l}`)
    }
    out.push('')
  }
  if (extras.mermaid !== undefined) {
    out.push('<details open><summary>What the plan touches: its topics, who writes and who reads them</summary>', '', '```mermaid', extras.mermaid.trimEnd(), '```', '', '</details>', '')
  }
  if (plan.drift.length > 0) {
    out.push('#### Drift (not changed by apply)', '', '| Key | Value | Source | Kafka default | Topics |', '|---|---|---|---|---|')
    for (const d of plan.drift) {
      out.push(`| \`${d.key}\` | \`${cell(d.value ?? 'null')}\` | ${d.source} | \`${cell(d.kafkaDefault ?? 'none')}\` | ${d.topics.map((t) => `\`${t}\``).join(', ')} |`)
    }
    out.push('')
  }
  const {topics, acls, users, quotas} = plan.unmanaged
  if (topics.length + acls.length + users.length + quotas.length > 0) {
    out.push('<details><summary>Unmanaged (left alone)</summary>', '')
    for (const t of topics) out.push(`- topic \`${t.name}\` (${t.reason})`)
    for (const a of acls) out.push(`- ${aclText(a, true)}`)
    for (const u of users) out.push(`- user \`${u.name}\` (${u.reason})`)
    for (const q of quotas) out.push(`- quota \`${q.entity}\` (${q.reason})`)
    out.push('', '</details>', '')
  }
  out.push(`**${summaryLine(plan)}**`)
  return `${out.join('\n')}\n`
}

import type {ActivityRequest, GroupOnTopic, ObservedActivity, TopicActivity} from '../model/activity.js'
import type {DesiredState, RuleSeverity} from '../model/desired.js'
import {connectorTopics} from '../model/connector.js'
import type {Action, ConfigAlterAction} from './actions.js'
import {actionTopic} from './actions.js'
import {compareBlocked, type BlockedItem, type BlockedKind} from './blocked.js'
import type {ActionImpact, ImpactFinding, ImpactGroup, Plan} from './plan.js'
import {sealPlan} from './planner.js'

/**
 * Safety rules from activity: rules with ids, set like lint rules (a Policy's `rules`, an
 * Environment's `safety`), error = the action is blocked, warning = planned with the finding.
 */
export const IMPACT_RULES = {
  'active-delete': {
    defaultSeverity: 'error',
    description: 'a topic delete is blocked while a group reads the topic, holds offsets on it, or a record was written within the window (option `window`, default 7d)',
  },
  'retention-unconsumed': {
    defaultSeverity: 'error',
    description: 'a retention cut is blocked while it would delete records an active group has not consumed yet',
  },
  'stateful-partition-increase': {
    defaultSeverity: 'warning',
    description: 'a partition increase on a keyed topic read by Kafka Streams (state stores keyed by partition) is flagged',
  },
} as const satisfies Record<string, {defaultSeverity: Exclude<RuleSeverity, 'off'>; description: string}>
export type ImpactRuleId = keyof typeof IMPACT_RULES
export const IMPACT_RULE_IDS = Object.keys(IMPACT_RULES) as ImpactRuleId[]

export const DEFAULT_ACTIVITY_WINDOW_MS = 7 * 24 * 3_600_000

export interface ImpactSettings {
  readonly severities: Readonly<Partial<Record<ImpactRuleId, RuleSeverity>>>
  /** active-delete: writes and commits within this many ms before the observation count as activity. */
  readonly activeWindowMs: number
  /** Topics `--allow-active-delete` names: their delete is planned whatever the activity. */
  readonly allowActiveDelete: readonly string[]
  /** Topics whose records are keyed (a key schema, or compaction). */
  readonly keyedTopics: ReadonlySet<string>
  /** The declared Kafka Connect connectors that read (sink) or write (source) each topic. */
  readonly connectorsByTopic?: ReadonlyMap<string, readonly {readonly name: string; readonly direction: 'source' | 'sink'}[]>
}

const UNIT_MS = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000} as const

/** A rule's `window` option: milliseconds, or text like `7d`, `12h`, `30m`; undefined when unreadable. */
export function parseWindow(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined
  const m = typeof value === 'string' ? /^(\d+)(ms|s|m|h|d)$/.exec(value.trim()) : null
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined
}

/** Each setting of an impact rule, in the order they apply: Policies first, then the Environment's `safety`. */
export function impactRuleSettings(desired: DesiredState): {rule: ImpactRuleId; severity: RuleSeverity; options: Readonly<Record<string, unknown>>; resource: string; location?: DesiredState['policies'][number]['location']}[] {
  const out: ReturnType<typeof impactRuleSettings> = []
  for (const p of desired.policies) {
    for (const [id, s] of Object.entries(p.rules)) {
      if (id in IMPACT_RULES) out.push({rule: id as ImpactRuleId, severity: s.severity, options: s.options ?? {}, resource: `Policy/${p.name}`, ...(p.location ? {location: p.location} : {})})
    }
  }
  for (const [id, s] of Object.entries(desired.environment.safety ?? {})) {
    if (id in IMPACT_RULES) out.push({rule: id as ImpactRuleId, severity: s.severity, options: s.options ?? {}, resource: `Environment/${desired.environment.name}`})
  }
  return out
}

/** The rules' settings for one environment, with the topics named by `--allow-active-delete`. */
export function impactSettingsFor(desired: DesiredState, allowActiveDelete: readonly string[] = []): ImpactSettings {
  const severities: Partial<Record<ImpactRuleId, RuleSeverity>> = {}
  let activeWindowMs = DEFAULT_ACTIVITY_WINDOW_MS
  for (const s of impactRuleSettings(desired)) {
    severities[s.rule] = s.severity
    const w = s.rule === 'active-delete' && s.options.window !== undefined ? parseWindow(s.options.window) : undefined
    if (w !== undefined) activeWindowMs = w
  }
  const keyedTopics = new Set<string>()
  for (const m of desired.topicMeta) if (m.keySchema) keyedTopics.add(m.name)
  for (const t of desired.cluster.topics) if ((t.config['cleanup.policy'] ?? '').includes('compact')) keyedTopics.add(t.name)
  const connectorsByTopic = new Map<string, {name: string; direction: 'source' | 'sink'}[]>()
  for (const c of desired.connectors ?? []) {
    const {direction, topics} = connectorTopics(c)
    if (direction === 'unknown') continue
    for (const t of topics) connectorsByTopic.set(t, [...(connectorsByTopic.get(t) ?? []), {name: c.name, direction}])
  }
  return {severities, activeWindowMs, allowActiveDelete, keyedTopics, connectorsByTopic}
}

const BLOCKED_BY_RULE: Record<ImpactRuleId, BlockedKind> = {
  'active-delete': 'topic.delete.active',
  'retention-unconsumed': 'topic.retention.unconsumed',
  'stateful-partition-increase': 'topic.partitions.stateful-consumers',
}

/** The retention.ms a config alter lowers to, or undefined when it does not cut retention. */
export function retentionCut(a: ConfigAlterAction): number | undefined {
  const c = a.changes.find((x) => x.key === 'retention.ms')
  if (!c || c.after === null) return undefined
  const after = Number(c.after)
  const before = c.before === null ? Number.NaN : Number(c.before)
  if (!Number.isFinite(after) || after < 0) return undefined
  // Infinite (-1) or unknown before: any finite value cuts.
  return !Number.isFinite(before) || before < 0 || after < before ? after : undefined
}

function isRisky(a: Action): boolean {
  return a.kind === 'topic.delete' || a.kind === 'topic.partitions.increase' || a.kind === 'topic.replication.change' ||
    (a.kind === 'topic.config.alter' && a.risk !== 'safe')
}

/** The topics whose activity the plan needs: those a risky action touches (pure). */
export function activityRequests(actions: readonly Action[]): ActivityRequest[] {
  const out = new Map<string, ActivityRequest>()
  for (const a of actions) {
    if (!isRisky(a)) continue
    const topic = actionTopic(a)!
    const cut = a.kind === 'topic.config.alter' ? retentionCut(a) : undefined
    out.set(topic, {topic, ...(cut === undefined ? {} : {newRetentionMs: cut})})
  }
  return [...out.values()].sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : 0))
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

function lagOf(g: GroupOnTopic, t: TopicActivity): number | null {
  if (g.committed.length === 0) return null
  const latest = new Map(t.partitions.map((p) => [p.partition, p.latest]))
  return g.committed.reduce((sum, c) => sum + Math.max(0, (latest.get(c.partition) ?? c.offset) - c.offset), 0)
}

function describeGroup(g: ImpactGroup): string {
  const members = g.members > 0 ? `${plural(g.members, 'member')}${g.clientIds.length > 0 ? ` (${g.clientIds.join(', ')})` : ''}` : 'no members'
  return `group ${g.groupId} (${g.state}, ${members}, lag ${g.lag === null ? 'unknown: no commit' : g.lag.toLocaleString('en-US')})`
}

function newestWrite(t: TopicActivity): number | null {
  let newest: number | null = null
  for (const p of t.partitions) if (p.newestTimestamp !== null && (newest === null || p.newestTimestamp > newest)) newest = p.newestTimestamp
  for (const p of t.producers) if (newest === null || p.lastTimestamp > newest) newest = p.lastTimestamp
  return newest
}

function days(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / 60_000)}m`
}

interface Verdict {
  readonly rule: ImpactRuleId
  readonly message: string
  readonly wayOut: string
}

function activeDelete(t: TopicActivity, groups: readonly ImpactGroup[], now: number, settings: ImpactSettings): Verdict | undefined {
  const reasons: string[] = []
  const reading = groups.filter((g) => g.members > 0)
  const holding = groups.filter((g) => g.members === 0 && g.lag !== null)
  if (reading.length > 0) reasons.push(`read by ${reading.map(describeGroup).join(', ')}`)
  // Kafka reports no commit time; an empty group's offsets expire offsets.retention.minutes after it empties, so offsets mean a recent reader.
  if (holding.length > 0) reasons.push(`offsets held by ${holding.map(describeGroup).join(', ')} (Kafka keeps an empty group's offsets for offsets.retention.minutes after its last member left)`)
  const newest = newestWrite(t)
  if (newest !== null && newest >= now - settings.activeWindowMs) reasons.push(`last written ${iso(newest)}, within the ${days(settings.activeWindowMs)} window`)
  // What cannot be read cannot be ruled out: a reader or writer may hide there.
  const unseen = (t.unread ?? []).filter((u) => u.part !== 'size')
  if (reasons.length === 0 && unseen.length === 0) return undefined
  const deleteGroups = [...reading, ...holding].map((g) => g.groupId)
  const message = reasons.length > 0
    ? `deleting ${t.topic}: it is in use: ${reasons.join('; ')}`
    : `deleting ${t.topic}: whether it is in use cannot be read in full: ${unseen.map((u) => `${u.part}: ${u.reason}`).join('; ')}`
  return {
    rule: 'active-delete',
    message: reasons.length > 0 && unseen.length > 0 ? `${message}; and ${unseen.map((u) => `${u.part} cannot be read in full: ${u.reason}`).join('; ')}` : message,
    wayOut: reasons.length > 0
      ? `stop its consumers and producers${deleteGroups.length > 0 ? `, delete their groups (kafka-consumer-groups --delete --group ${deleteGroups.join(' --group ')})` : ''} and plan again, or name it with --allow-active-delete ${t.topic}`
      : `plan as a principal with those grants, or name it with --allow-active-delete ${t.topic} once you know nobody uses it`,
  }
}

function retentionUnconsumed(t: TopicActivity, groups: readonly GroupOnTopic[], newRetentionMs: number): Verdict | undefined {
  const losses: string[] = []
  for (const g of groups) {
    if (g.members === 0) continue
    const committed = new Map(g.committed.map((c) => [c.partition, c.offset]))
    let lost = 0
    for (const p of t.partitions) {
      const at = committed.get(p.partition)
      if (at === undefined || p.keptFrom === undefined) continue
      lost += Math.max(0, p.keptFrom - Math.max(at, p.earliest))
    }
    if (lost > 0) losses.push(`group ${g.groupId} (${g.state}, ${plural(g.members, 'member')}) has not consumed ${plural(lost, 'record')} the cut deletes`)
  }
  const hidden = (t.unread ?? []).find((u) => u.part === 'groups')
  const deletes = t.partitions.some((p) => p.keptFrom !== undefined && p.keptFrom > p.earliest)
  if (hidden && deletes) losses.push(`groups the plan's principal cannot see may not have consumed what it deletes (${hidden.reason})`)
  if (losses.length === 0) return undefined
  return {
    rule: 'retention-unconsumed',
    message: `retention.ms → ${newRetentionMs} on ${t.topic} deletes records active groups still need: ${losses.join('; ')}`,
    wayOut: 'let the groups catch up and plan again, cut retention in steps (--retention-step), or set the rule retention-unconsumed to warning',
  }
}

function statefulIncrease(t: TopicActivity, groups: readonly GroupOnTopic[], settings: ImpactSettings): Verdict | undefined {
  if (!settings.keyedTopics.has(t.topic)) return undefined
  const stateful = groups.filter((g) => g.assignor === 'stream' || g.type === 'streams')
  if (stateful.length === 0) return undefined
  return {
    rule: 'stateful-partition-increase',
    message: `${t.topic} is keyed and read by Kafka Streams (${stateful.map((g) => g.groupId).join(', ')}): its state stores are partitioned like the input, so keys that move to new partitions lose their state`,
    wayOut: 'repartition into a new topic with the wanted partition count (streamctl repartition) and move the application, or reset the application\'s state after the increase',
  }
}

function deletedByCut(t: TopicActivity): {records: number; bytes: number} {
  let records = 0
  let bytes = 0
  for (const p of t.partitions) {
    if (p.keptFrom === undefined) continue
    const gone = Math.max(0, p.keptFrom - p.earliest)
    const held = p.latest - p.earliest
    records += gone
    bytes += held > 0 ? Math.round((p.sizeBytes * gone) / held) : 0
  }
  return {records, bytes}
}

/**
 * Adds the impact of each risky action and applies the safety rules (pure): a rule at `error`
 * withholds its action (a blocked item says why and how out), along with the actions that depend
 * on it and, for a withheld topic delete, the deletes of that topic's ACLs (its readers keep
 * their access while the topic stays).
 */
export function assessImpact(plan: Plan, activity: ObservedActivity, settings: ImpactSettings): Plan {
  const byTopic = new Map(activity.topics.map((t) => [t.topic, t]))
  const losing = new Map<string, Set<string>>()
  for (const a of plan.actions) {
    if (a.kind !== 'acl.delete') continue
    const topic = actionTopic(a)
    if (topic !== undefined) losing.set(topic, (losing.get(topic) ?? new Set()).add(a.acl.principal))
  }
  const severity = (rule: ImpactRuleId): RuleSeverity => settings.severities[rule] ?? IMPACT_RULES[rule].defaultSeverity
  const impact: ActionImpact[] = []
  const withheld = new Map<string, BlockedItem>()

  for (const a of plan.actions) {
    if (!isRisky(a)) continue
    const topic = actionTopic(a)!
    const t = byTopic.get(topic)
    if (!t) continue
    const groups: ImpactGroup[] = t.groups.map((g) => ({groupId: g.groupId, type: g.type, state: g.state, members: g.members, clientIds: g.clientIds, lag: lagOf(g, t)}))
    const verdicts: Verdict[] = []
    const cut = a.kind === 'topic.config.alter' ? retentionCut(a) : undefined
    if (a.kind === 'topic.delete' && !settings.allowActiveDelete.includes(topic)) {
      const v = activeDelete(t, groups, activity.observedAt, settings)
      if (v) verdicts.push(v)
    }
    if (cut !== undefined) {
      const v = retentionUnconsumed(t, t.groups, cut)
      if (v) verdicts.push(v)
    }
    if (a.kind === 'topic.partitions.increase') {
      const v = statefulIncrease(t, t.groups, settings)
      if (v) verdicts.push(v)
    }
    const findings: ImpactFinding[] = []
    for (const v of verdicts) {
      const s = severity(v.rule)
      if (s === 'off') continue
      findings.push({rule: v.rule, severity: s, message: v.message})
      if (s === 'error' && !withheld.has(a.id)) {
        withheld.set(a.id, {kind: BLOCKED_BY_RULE[v.rule], resource: `Topic/${topic}`, topic, action: a.id, reason: v.message, wayOut: v.wayOut})
      }
    }
    const records = t.partitions.reduce((n, p) => n + Math.max(0, p.latest - p.earliest), 0)
    const bytes = t.partitions.reduce((n, p) => n + p.sizeBytes, 0)
    const newest = newestWrite(t)
    const deletes = a.kind === 'topic.delete' ? {records, bytes} : cut !== undefined && t.retentionCutoff !== undefined ? {...deletedByCut(t), olderThan: iso(t.retentionCutoff)} : undefined
    impact.push({
      action: a.id, topic, records, bytes, newestRecordAt: newest === null ? null : iso(newest), groups,
      producers: t.producers.map((p) => ({producerId: p.producerId, lastWriteAt: iso(p.lastTimestamp)})),
      principalsLosingAccess: a.kind === 'topic.delete' ? [...(losing.get(topic) ?? [])].sort() : [],
      ...(settings.connectorsByTopic?.has(topic) ? {connectors: settings.connectorsByTopic.get(topic)!} : {}),
      ...(deletes === undefined ? {} : {deletes}),
      ...(t.unread?.length ? {unread: t.unread} : {}),
      findings,
    })
  }
  if (impact.length === 0) return plan

  const blocked = [...plan.blocked, ...withheld.values()]
  const keep = withholdDependents(plan.actions, withheld, blocked)
  const {digest: _digest, summary: _summary, ...fields} = plan
  return sealPlan({...fields, actions: keep, blocked: blocked.sort(compareBlocked), impact})
}

/** Drops withheld actions, the deletes of a withheld topic delete's ACLs, and whatever depends on a dropped action. */
function withholdDependents(actions: readonly Action[], withheld: ReadonlyMap<string, BlockedItem>, blocked: BlockedItem[]): Action[] {
  const dropped = new Set(withheld.keys())
  const keptTopics = new Set([...withheld.values()].filter((b) => b.kind === 'topic.delete.active').map((b) => b.topic!))
  for (let changed = true; changed;) {
    changed = false
    for (const a of actions) {
      if (dropped.has(a.id)) continue
      const topic = actionTopic(a)
      const aclOfKept = a.kind === 'acl.delete' && topic !== undefined && keptTopics.has(topic)
      const after = a.dependsOn.find((d) => dropped.has(d))
      if (!aclOfKept && after === undefined) continue
      dropped.add(a.id)
      changed = true
      blocked.push({
        kind: 'dependency.blocked', resource: topic === undefined ? a.id : `Topic/${topic}`, ...(topic === undefined ? {} : {topic}), action: a.id,
        reason: aclOfKept ? `${a.id} removes a grant on ${topic}, whose deletion is blocked: its readers keep their access while it stays` : `${a.id} waits for ${after}, which is blocked`,
        wayOut: `resolve the blocked ${aclOfKept ? `deletion of ${topic}` : after}; this action is planned again then`,
      })
    }
  }
  return actions.filter((a) => !dropped.has(a.id)).map((a) => ({...a, dependsOn: a.dependsOn.filter((d) => !dropped.has(d))}))
}

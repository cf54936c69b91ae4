import {stringify} from 'yaml'
import {quotaEntityKey, type AclEntry} from '../model/state.js'
import type {Action, ConfigChange, Risk} from '../plan/actions.js'
import {actionTopic, quotaChangeRisk} from '../plan/actions.js'
import type {BlockedItem, JobManifest} from '../plan/blocked.js'
import {compareStrings} from '../plan/compare.js'
import {placementLines, placementTotals} from './placement-lines.js'
import type {Plan} from '../plan/plan.js'

/**
 * The plan as display sections — one per subject, one per topic, then per principal for ACLs on other resources —
 * shared by the text and markdown renderers so both show the same lines. Built from the plan's
 * JSON data only.
 */
export type Sign = '+' | '~' | '-' | '!'

export interface DisplayLine {
  readonly sign: Sign
  readonly text: string
  readonly risk?: Risk
  /** Extra lines for blocked items: the way out and a generated Job manifest. */
  readonly detail?: readonly string[]
}

export interface DisplaySection {
  readonly sign: Sign
  readonly title: string
  readonly lines: readonly DisplayLine[]
}

const ARROW = '→'

export function aclText(a: AclEntry, withResource: boolean): string {
  const pattern = a.patternType === 'LITERAL' ? '' : ` (${a.patternType})`
  const on = withResource ? ` on ${a.resourceType} ${a.resourceName}${pattern}` : pattern
  return `acl ${a.permission} ${a.operation}${on} for ${a.principal}@${a.host}`
}

function configLine(c: ConfigChange): DisplayLine {
  const shown = (v: string | null): string => (v === null ? '(unset)' : v)
  let text = `${c.key}: ${shown(c.before)} ${ARROW} ${shown(c.after)}`
  if (c.op === 'delete') text += c.afterIsDefault ? ' (Kafka default)' : ' (inherited)'
  else if (c.afterIsDefault) text += ' (Kafka default)'
  if (c.stepped) text += ` (stepped: final ${c.stepped.final}, ${c.stepped.remainingSteps} more apply run(s))`
  return {sign: c.op === 'delete' ? '-' : '~', text, risk: c.risk}
}

function actionLines(a: Action, inTopic: boolean): DisplayLine[] {
  switch (a.kind) {
    case 'topic.create':
      return [
        {sign: '+', text: `partitions: ${a.partitions}`},
        {sign: '+', text: `replication factor: ${a.replicationFactor}`},
        ...Object.keys(a.config).sort().map((k): DisplayLine => ({sign: '+', text: `${k}: ${a.config[k]}`})),
      ]
    case 'topic.partitions.increase':
      return [{sign: '~', text: `partitions: ${a.before} ${ARROW} ${a.after}`, risk: a.risk}]
    case 'topic.config.alter':
      return a.changes.map(configLine)
    case 'topic.replication.change': {
      const throttle = a.throttle === undefined ? '' : `, throttled to ${a.throttle} B/s`
      return [{sign: '~', text: `replication factor: ${a.before} ${ARROW} ${a.after} (reassign ${a.assignments.length} partition(s)${throttle})`, risk: a.risk}]
    }
    case 'topic.placement.reassign':
    case 'topic.leaders.elect':
    case 'replication.throttle.clear':
      return placementLines(a)
    case 'acl.create':
      return [{sign: '+', text: aclText(a.acl, !inTopic), risk: a.risk}]
    case 'acl.delete':
      return [{sign: '-', text: aclText(a.acl, !inTopic), risk: a.risk}]
    case 'topic.delete':
      return [{sign: '-', text: `delete topic (${a.allowedBy})`, risk: a.risk}]
    case 'schema.compatibility.set':
      return [a.before === null
        ? {sign: '+', text: `compatibility: ${a.after}`, risk: a.risk}
        : {sign: '~', text: `compatibility: ${a.before} ${ARROW} ${a.after}`, risk: a.risk}]
    case 'schema.register': {
      const refs = a.references.length ? `, ${a.references.length} reference(s)` : ''
      // A diff from a live side knows the other side's version: both are named.
      const other = a.sourceVersion === undefined ? '' : ` (version ${a.sourceVersion} there)`
      return [a.before === null
        ? {sign: '+', text: `schema ${a.schemaType}: version 1 (new subject${refs})${other}`, risk: a.risk}
        : {sign: '~', text: `schema ${a.schemaType}: version ${a.before.version ?? '?'} ${ARROW} ${a.sourceVersion === undefined ? 'new version' : `the text of version ${a.sourceVersion}`}${refs}`, risk: a.risk}]
    }
    case 'user.credential.upsert': {
      const text = {
        create: `credential ${a.mechanism} (${a.iterations} iterations, password from ${a.passwordFrom})`,
        rotate: `credential ${a.mechanism}: rotate the password (from ${a.passwordFrom})`,
        iterations: `credential ${a.mechanism}: iterations ${a.beforeIterations} ${ARROW} ${a.iterations}`,
        unverified: `credential ${a.mechanism}: set the password (from ${a.passwordFrom}; streamctl has no record of the current one)`,
      }[a.change]
      return [{sign: a.change === 'create' ? '+' : '~', text, risk: a.risk}]
    }
    case 'user.credential.delete':
      return [{sign: '-', text: `credential ${a.mechanism} (${a.allowedBy})`, risk: a.risk}]
    case 'quota.alter':
      return a.changes.map((c): DisplayLine => c.before === null
        ? {sign: '+', text: `${c.key}: ${c.after}`, risk: quotaChangeRisk(c)}
        : c.after === null
          ? {sign: '-', text: `${c.key}: ${c.before} (removed: no limit at this entity)`, risk: quotaChangeRisk(c)}
          : {sign: '~', text: `${c.key}: ${c.before} ${ARROW} ${c.after}`, risk: quotaChangeRisk(c)})
  }
}

/** A generated Job manifest as YAML lines, ready to save and review. */
export function jobYamlLines(job: JobManifest): string[] {
  return stringify(job).trimEnd().split('\n')
}

function blockedLine(b: BlockedItem): DisplayLine {
  const detail = [`way out: ${b.wayOut}`]
  if (b.job) detail.push('generated job:', ...jobYamlLines(b.job).map((l) => `  ${l}`))
  return {sign: '!', text: b.reason, detail}
}

export function planSections(plan: Plan): DisplaySection[] {
  type Bucket = {title: string; order: number; lines: DisplayLine[]; created: boolean; deleted: boolean; changed: boolean}
  const buckets = new Map<string, Bucket>()
  const bucket = (key: string, title: string, order: number): Bucket => {
    let b = buckets.get(key)
    if (!b) buckets.set(key, (b = {title, order, lines: [], created: false, deleted: false, changed: false}))
    return b
  }
  for (const a of plan.actions) {
    const topic = actionTopic(a)
    if (a.kind === 'schema.register' || a.kind === 'schema.compatibility.set') {
      // Subjects have a lifecycle like topics: + for a new subject, ~ for a new version or level.
      const b = bucket(`subject:${a.subject}`, `subject ${a.subject}`, 0.5)
      if (a.kind === 'schema.register' && a.before === null) b.created = true
      else b.changed = true
      b.lines.push(...actionLines(a, false))
      continue
    }
    if (a.kind === 'replication.throttle.clear') {
      const b = bucket('cluster', 'cluster', 0)
      b.changed = true
      b.lines.push(...actionLines(a, false))
      continue
    }
    if (a.kind === 'user.credential.upsert' || a.kind === 'user.credential.delete' || a.kind === 'quota.alter') {
      const b = a.kind === 'quota.alter'
        ? bucket(`quota:${quotaEntityKey(a.entity)}`, `quota ${quotaEntityKey(a.entity)}`, 2.5)
        : bucket(`user:${a.user}`, `user ${a.user}`, 2.4)
      b.lines.push(...actionLines(a, false))
      continue
    }
    const b = topic !== undefined
      ? bucket(`topic:${topic}`, `topic ${topic}`, 1)
      : bucket(`principal:${a.kind === 'acl.create' || a.kind === 'acl.delete' ? a.acl.principal : ''}`,
        `principal ${a.kind === 'acl.create' || a.kind === 'acl.delete' ? a.acl.principal : ''}`, 2)
    if (a.kind === 'topic.create') b.created = true
    else if (a.kind === 'topic.delete') b.deleted = true
    else b.changed = true
    b.lines.push(...actionLines(a, topic !== undefined))
  }
  for (const item of plan.blocked) {
    const b = item.topic !== undefined ? bucket(`topic:${item.topic}`, `topic ${item.topic}`, 1)
      : item.kind === 'cluster.id-mismatch' ? bucket('cluster', 'cluster', 0)
        : item.resource.startsWith('Subject/') ? bucket(`subject:${item.resource.slice('Subject/'.length)}`, `subject ${item.resource.slice('Subject/'.length)}`, 0.5)
          : bucket(`resource:${item.resource}`, item.resource, 3)
    b.lines.push(blockedLine(item))
  }
  return [...buckets.entries()]
    .sort(([ka, a], [kb, b]) => a.order - b.order || compareStrings(ka, kb))
    .map(([key, b]) => ({
      sign: sectionSign(key, b),
      title: b.title,
      lines: b.lines,
    }))
}

/**
 * A topic's header says what happens to the topic (+ created, - deleted, ~ changed, ! only
 * blocked); other resources have no lifecycle of their own, so their header sums up the lines.
 */
function sectionSign(key: string, b: {lines: DisplayLine[]; created: boolean; deleted: boolean; changed: boolean}): Sign {
  if (b.created) return '+'
  if (b.deleted) return '-'
  if (key.startsWith('topic:') || key.startsWith('subject:') || key === 'cluster') return b.changed ? '~' : '!'
  const signs = new Set(b.lines.map((l) => l.sign))
  return signs.size === 1 ? [...signs][0]! : '~'
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary
  const totals = placementTotals(plan)
  const line = `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy, ${s.blocked} blocked.${totals === undefined ? '' : ` ${totals}`}`
  // Blocked is never success: the cluster will not match the manifests after this plan.
  return s.blocked === 0 ? line : `${line} The cluster will not match the manifests until the blocked item(s) are resolved.`
}

/** 1,234,567 B → "1.2 MB" (decimal units, as Kafka's tools print sizes). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`
  const units = ['kB', 'MB', 'GB', 'TB', 'PB']
  let v = n
  let i = -1
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`
}

export interface ImpactBlock {
  /** `delete shop.orders.v1`, `alter shop.orders.v1`, ... */
  readonly title: string
  readonly lines: readonly string[]
  /** Findings, `error` ones first: each blocked its action. */
  readonly findings: readonly {readonly severity: 'error' | 'warning'; readonly text: string}[]
}

const IMPACT_VERB: Record<string, string> = {
  'topic.delete': 'delete', 'topic.config.alter': 'alter config of', 'topic.partitions.increase': 'add partitions to', 'topic.replication.change': 'change replication of',
}

/** The impact of each risky action as display lines, shared by the text and markdown renderers. */
export function impactBlocks(plan: Plan): ImpactBlock[] {
  const n = (x: number): string => x.toLocaleString('en-US')
  return (plan.impact ?? []).map((i) => {
    const kind = i.action.slice(0, i.action.indexOf(':'))
    // A retention cut does not read the newest record's time (its cutoff is what matters).
    const newest = i.newestRecordAt !== null ? `; newest record ${i.newestRecordAt}` : i.records === 0 ? '; empty' : ''
    const unread = new Map((i.unread ?? []).map((u) => [u.part, u.reason]))
    const size = (bytes: number): string => (unread.has('size') ? 'size unknown' : formatBytes(bytes))
    const lines = [`holds ${n(i.records)} record(s), ${size(i.bytes)}${newest}`]
    if (i.deletes) lines.push(`deletes up to ${n(i.deletes.records)} record(s), ${size(i.deletes.bytes)}${i.deletes.olderThan ? ` (records older than ${i.deletes.olderThan})` : ''}`)
    for (const g of i.groups) {
      lines.push(`group ${g.groupId}: ${g.state}, ${g.members} member(s)${g.clientIds.length > 0 ? ` (${g.clientIds.join(', ')})` : ''}, lag ${g.lag === null ? 'unknown (no commit)' : n(g.lag)}`)
    }
    for (const p of i.producers) lines.push(`producer ${p.producerId}: last write ${p.lastWriteAt}`)
    if (i.principalsLosingAccess.length > 0) lines.push(`loses access: ${i.principalsLosingAccess.join(', ')}`)
    for (const c of i.connectors ?? []) lines.push(`connector ${c.name}: ${c.direction === 'sink' ? 'reads it (sink)' : 'writes it (source)'}`)
    for (const [part, reason] of unread) lines.push(`${part} not read in full: ${reason}`)
    if (i.groups.length === 0 && i.producers.length === 0 && !unread.has('groups') && !unread.has('producers')) lines.push('no group reads it, no producer is known to write it')
    const findings = [...i.findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
      .map((f) => ({severity: f.severity, text: `${f.severity === 'error' ? 'blocked' : 'warning'} by ${f.rule}: ${f.message}`}))
    return {title: `${IMPACT_VERB[kind] ?? kind} ${i.topic}`, lines, findings}
  })
}

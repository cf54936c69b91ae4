import type {AdminGateway} from '../cluster/gateway.js'
import type {AclEntry} from '../model/state.js'
import type {Action} from '../plan/index.js'
import type {ApplyEventListener} from './events.js'

/**
 * The controller acknowledges a change once it is in the metadata log; each broker then applies the
 * log to its own metadata cache and authorizer, at its own pace. A plan reads from whichever broker
 * its bootstrap connection lands on, so apply waits until every broker reads back what it did.
 */
export const DEFAULT_VISIBILITY_TIMEOUT_MS = 60_000

export interface VisibilityExpectations {
  /** Topic → the partition count it must have (with a leader for each), or absent. */
  readonly topics: ReadonlyMap<string, {readonly partitions: number} | 'absent'>
  /** Topic → key → the topic-level value it must have; null = no topic-level value. */
  readonly configs: ReadonlyMap<string, ReadonlyMap<string, string | null>>
  readonly aclsPresent: readonly AclEntry[]
  readonly aclsAbsent: readonly AclEntry[]
}

export interface VisibilityReport {
  readonly converged: boolean
  readonly ms: number
  readonly brokers: number
  /** What was not yet visible when the wait gave up, as `broker N: topic x` (at most 10). */
  readonly pendingSample: readonly string[]
  readonly pendingCount: number
}

/**
 * What the done actions must look like on every broker. A created topic's configs are not checked
 * separately: the controller writes a topic's TopicRecord, PartitionRecords and ConfigRecords in
 * one atomic batch (`ControllerResult.atomicOf` in ReplicationControlManager.createTopics), so a
 * broker that shows the topic has its configs too.
 */
export function expectationsOf(done: readonly Action[]): VisibilityExpectations {
  const topics = new Map<string, {partitions: number} | 'absent'>()
  const configs = new Map<string, Map<string, string | null>>()
  const aclsPresent: AclEntry[] = []
  const aclsAbsent: AclEntry[] = []
  for (const a of done) {
    switch (a.kind) {
      case 'topic.create': topics.set(a.topic, {partitions: a.partitions}); break
      case 'topic.partitions.increase': topics.set(a.topic, {partitions: a.after}); break
      case 'topic.delete': topics.set(a.topic, 'absent'); configs.delete(a.topic); break
      case 'topic.config.alter': {
        const keys = configs.get(a.topic) ?? new Map<string, string | null>()
        for (const c of a.changes) keys.set(c.key, c.op === 'set' ? (c.after ?? '') : null)
        configs.set(a.topic, keys)
        break
      }
      case 'acl.create': aclsPresent.push(a.acl); break
      case 'acl.delete': aclsAbsent.push(a.acl); break
      // Replica moves are waited for by moveReplicas; schema registrations are read back by the registry call itself.
      default: break
    }
  }
  return {topics, configs, aclsPresent, aclsAbsent}
}

export function isEmpty(e: VisibilityExpectations): boolean {
  return e.topics.size === 0 && e.configs.size === 0 && e.aclsPresent.length === 0 && e.aclsAbsent.length === 0
}

export function aclKey(a: AclEntry): string {
  return [a.resourceType, a.patternType, a.resourceName, a.principal, a.host, a.operation, a.permission].join('\u0000')
}

/** One broker's outstanding checks; each round re-reads only what is still pending. */
class BrokerPending {
  readonly topics: Set<string>
  readonly configs: Set<string>
  readonly present: Map<string, AclEntry>
  readonly absent: Map<string, AclEntry>

  constructor(readonly nodeId: number, e: VisibilityExpectations) {
    this.topics = new Set(e.topics.keys())
    this.configs = new Set(e.configs.keys())
    this.present = new Map(e.aclsPresent.map((a) => [aclKey(a), a]))
    this.absent = new Map(e.aclsAbsent.map((a) => [aclKey(a), a]))
  }

  get count(): number {
    return this.topics.size + this.configs.size + this.present.size + this.absent.size
  }

  sample(max: number): string[] {
    const acl = (a: AclEntry) => `${a.principal} ${a.operation} ${a.resourceType}:${a.resourceName}`
    return [
      ...[...this.topics].map((t) => `topic ${t}`),
      ...[...this.configs].map((t) => `configs of topic ${t}`),
      ...[...this.present.values()].map((a) => `ACL ${acl(a)} (not yet present)`),
      ...[...this.absent.values()].map((a) => `ACL ${acl(a)} (not yet removed)`),
    ].slice(0, max).map((s) => `broker ${this.nodeId}: ${s}`)
  }
}

async function checkBroker(gateway: AdminGateway, p: BrokerPending, e: VisibilityExpectations): Promise<void> {
  if (p.topics.size > 0) {
    const seen = new Map((await gateway.describeTopicsOnBroker(p.nodeId, [...p.topics])).map((t) => [t.name, t]))
    for (const name of [...p.topics]) {
      const want = e.topics.get(name)!
      const t = seen.get(name)
      const ok = want === 'absent' ? !t : !!t && t.partitions.length >= want.partitions && t.partitions.every((x) => x.leader >= 0)
      if (ok) p.topics.delete(name)
    }
  }
  if (p.configs.size > 0) {
    const described = await gateway.describeTopicConfigs([...p.configs], {includeSynonyms: false, nodeId: p.nodeId})
    for (const topic of [...p.configs]) {
      const entries = described.get(topic)
      if (!entries) continue
      const ok = [...e.configs.get(topic)!].every(([key, value]) => {
        const entry = entries[key]
        return value === null ? entry?.source !== 'TOPIC' : entry?.source === 'TOPIC' && entry.value === value
      })
      if (ok) p.configs.delete(topic)
    }
  }
  if (p.present.size > 0 || p.absent.size > 0) {
    const keys = new Set((await gateway.describeAcls(undefined, {nodeId: p.nodeId})).map(aclKey))
    for (const k of [...p.present.keys()]) if (keys.has(k)) p.present.delete(k)
    for (const k of [...p.absent.keys()]) if (!keys.has(k)) p.absent.delete(k)
  }
}

export interface AwaitVisibleOptions {
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  readonly onEvent?: ApplyEventListener
}

/**
 * Polls every live broker (the cluster's current broker list) until it reads back each expectation,
 * or the timeout passes. A broker that cannot be asked stays pending: a timeout reports it.
 */
export async function awaitVisible(gateway: AdminGateway, expected: VisibilityExpectations, options: AwaitVisibleOptions = {}): Promise<VisibilityReport> {
  const started = performance.now()
  const timeoutMs = options.timeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS
  let brokers: number[]
  try {
    brokers = (await gateway.describeCluster()).brokers.map((b) => b.nodeId)
  } catch (error) {
    // The changes are made: a cluster that cannot be asked now is reported, not thrown.
    const total = expected.topics.size + expected.configs.size + expected.aclsPresent.length + expected.aclsAbsent.length
    const report: VisibilityReport = {converged: false, ms: Math.round(performance.now() - started), brokers: 0, pendingCount: total, pendingSample: [`cannot list the brokers: ${error instanceof Error ? error.message : String(error)}`]}
    options.onEvent?.({type: 'visibility.done', ...report})
    return report
  }
  const pending = brokers.map((id) => new BrokerPending(id, expected))
  options.onEvent?.({
    type: 'visibility.wait',
    brokers: brokers.length,
    topics: expected.topics.size,
    configs: expected.configs.size,
    acls: expected.aclsPresent.length + expected.aclsAbsent.length,
  })
  const errors: string[] = []
  for (let delay = 50; ; delay = Math.min(Math.round(delay * 1.5), 1000)) {
    await Promise.all(pending.filter((p) => p.count > 0).map((p) => checkBroker(gateway, p, expected).catch((error: unknown) => {
      errors.push(`broker ${p.nodeId}: ${error instanceof Error ? error.message : String(error)}`)
    })))
    const left = pending.reduce((n, p) => n + p.count, 0)
    const ms = Math.round(performance.now() - started)
    if (left === 0 || ms + delay > timeoutMs || options.signal?.aborted) {
      const report: VisibilityReport = {
        converged: left === 0,
        ms,
        brokers: brokers.length,
        pendingCount: left,
        pendingSample: [...pending.flatMap((p) => p.sample(10)), ...errors.slice(-1)].slice(0, 10),
      }
      options.onEvent?.({type: 'visibility.done', ...report})
      return report
    }
    await new Promise((r) => setTimeout(r, delay))
  }
}

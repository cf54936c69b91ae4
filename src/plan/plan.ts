import type {AclEntry, ConfigSource} from '../model/state.js'
import type {UnreadActivity} from '../model/activity.js'
import type {Action} from './actions.js'
import type {BlockedItem} from './blocked.js'
import type {UnmanagedIdentityReason} from './identity-plan.js'
import type {ConnectorAction, ConnectorPlan} from './connector-plan.js'

/**
 * The plan: plain JSON data and the public contract of `streamctl plan --json` / `-o plan.json`
 * (documented in docs/plan-format.md). Bump `formatVersion` on any incompatible change.
 */
export const PLAN_FORMAT_VERSION = 3

/** A broker-level setting that differs from Kafka's default on keys the manifests do not declare. */
export interface DriftItem {
  readonly key: string
  readonly value: string | null
  readonly source: ConfigSource
  readonly kafkaDefault: string | null
  /** Declared topics that inherit this value, sorted. */
  readonly topics: readonly string[]
}

export const UNMANAGED_TOPIC_REASONS = ['not-declared', 'protected', 'outside-prune-scope'] as const
export type UnmanagedTopicReason = (typeof UNMANAGED_TOPIC_REASONS)[number]

export interface Unmanaged {
  readonly topics: readonly {readonly name: string; readonly reason: UnmanagedTopicReason}[]
  /** ACLs of principals no Service declares: never changed. */
  readonly acls: readonly AclEntry[]
  /** SCRAM users no User declares that this plan may not delete (format 2). */
  readonly users: readonly {readonly name: string; readonly reason: UnmanagedIdentityReason}[]
  /** Quota entities (`user=a,client-id=b`) no declaration covers that this plan may not change (format 2). */
  readonly quotas: readonly {readonly entity: string; readonly reason: UnmanagedIdentityReason}[]
}

/** A group that reads a topic a risky action touches (format 3). */
export interface ImpactGroup {
  readonly groupId: string
  readonly type: string
  readonly state: string
  readonly members: number
  readonly clientIds: readonly string[]
  /** Records behind the end of the log, summed over the partitions it committed on; null: no commit. */
  readonly lag: number | null
}

export interface ImpactFinding {
  /** The impact rule (`active-delete`, `retention-unconsumed`, `stateful-partition-increase`). */
  readonly rule: string
  /** error: the action is blocked (see `blocked`); warning: it is planned, with this said. */
  readonly severity: 'error' | 'warning'
  readonly message: string
}

/**
 * Who and what a risky action affects, from the cluster's activity at plan time (format 3). Not
 * part of the digest: lag and timestamps move; what the rules decide shows in actions/blocked.
 */
export interface ActionImpact {
  readonly action: string
  readonly topic: string
  readonly records: number
  /** One copy of the data (the largest replica of each partition). */
  readonly bytes: number
  readonly newestRecordAt: string | null
  readonly groups: readonly ImpactGroup[]
  readonly producers: readonly {readonly producerId: string; readonly lastWriteAt: string}[]
  /** Principals whose grants on the topic this plan deletes. */
  readonly principalsLosingAccess: readonly string[]
  /** Declared Kafka Connect connectors that read (sink) or write (source) the topic. */
  readonly connectors?: readonly {readonly name: string; readonly direction: 'source' | 'sink'}[]
  /** What the action deletes: the whole topic, or (a retention cut) records older than `olderThan`; an upper bound, Kafka deletes whole segments. */
  readonly deletes?: {readonly records: number; readonly bytes: number; readonly olderThan?: string}
  /** What the plan's principal could not read about the topic (its groups, producers or size), and why. */
  readonly unread?: readonly UnreadActivity[]
  readonly findings: readonly ImpactFinding[]
}

export interface PlanSummary {
  readonly add: number
  readonly change: number
  readonly destroy: number
  readonly blocked: number
}

export interface Plan {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION
  readonly environment: string
  /** The observed cluster id the plan was computed against. */
  readonly clusterId: string | null
  readonly createdAt?: string
  /** sha256 of the canonical JSON of the observed state: apply refuses if it changed. */
  readonly observedDigest: string
  readonly options: {readonly allowDelete: boolean; readonly retentionStep: number | null; readonly throttle: number | null; readonly allowActiveDelete: readonly string[]}
  readonly actions: readonly Action[]
  readonly blocked: readonly BlockedItem[]
  readonly drift: readonly DriftItem[]
  readonly unmanaged: Unmanaged
  readonly summary: PlanSummary
  /** Activity behind each risky action (format 3); absent when nothing risky was planned or it was not observed. */
  readonly impact?: readonly ActionImpact[]
  /** The environment's Kafka Connect connectors, planned after the topics and ACLs they need (applied last); absent when the manifests manage none. */
  readonly connectors?: ConnectorPlan
  /** Each Replica of the environment and how far its copy is behind (read at plan time; not part of the digest). */
  readonly replicas?: readonly ReplicaStatus[]
  /** sha256 of the canonical JSON of every other field except `createdAt` (for audit records). */
  readonly digest: string
}

/**
 * A read-only copy kept by MirrorMaker 2 and its lag: per partition the source's end offset
 * against the copy's. The copy starts at offset 0 and gets no transaction markers, so the count is
 * exact for a source that kept every record since offset 0 and was not written transactionally;
 * otherwise it is an upper bound.
 */
export interface ReplicaStatus {
  readonly replica: string
  readonly source: {readonly environment: string; readonly topic: string}
  /** The copy on this environment's cluster. */
  readonly topic: string
  readonly connector: string
  /** Records the copy is behind, summed over partitions; null when a side could not be read. */
  readonly lag: number | null
  readonly partitions: readonly {readonly partition: number; readonly sourceEnd: number | null; readonly copyEnd: number | null}[]
  /** Why lag is null (the copy not created yet, the source topic missing). */
  readonly note?: string
}

export function summarize(actions: readonly Action[], blocked: readonly BlockedItem[], connectorActions: readonly ConnectorAction[] = []): PlanSummary {
  let add = 0
  let change = 0
  let destroy = 0
  for (const a of connectorActions) {
    if (a.kind === 'connector.create') add++
    else if (a.kind === 'connector.delete') destroy++
    else change++
  }
  for (const a of actions) {
    if (a.kind === 'topic.create' || a.kind === 'acl.create' || (a.kind === 'schema.register' && a.before === null)) add++
    else if (a.kind === 'user.credential.upsert' && a.change === 'create') add++
    else if (a.kind === 'quota.alter' && a.changes.every((c) => c.before === null)) add++
    else if (a.kind === 'topic.delete' || a.kind === 'acl.delete' || a.kind === 'user.credential.delete') destroy++
    else if (a.kind === 'quota.alter' && a.changes.every((c) => c.after === null)) destroy++
    else change++
  }
  return {add, change, destroy, blocked: blocked.length}
}

export function hasChanges(plan: Plan): boolean {
  return plan.actions.length > 0 || (plan.connectors?.actions.length ?? 0) > 0
}

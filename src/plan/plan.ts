import type {AclEntry, ConfigSource} from '../model/state.js'
import type {Action} from './actions.js'
import type {BlockedItem} from './blocked.js'
import type {UnmanagedIdentityReason} from './identity-plan.js'

/**
 * The plan: plain JSON data and the public contract of `streamctl plan --json` / `-o plan.json`
 * (documented in docs/plan-format.md). Bump `formatVersion` on any incompatible change.
 */
export const PLAN_FORMAT_VERSION = 2

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
  readonly options: {readonly allowDelete: boolean; readonly retentionStep: number | null; readonly throttle: number | null}
  readonly actions: readonly Action[]
  readonly blocked: readonly BlockedItem[]
  readonly drift: readonly DriftItem[]
  readonly unmanaged: Unmanaged
  readonly summary: PlanSummary
  /** sha256 of the canonical JSON of every other field except `createdAt` (for audit records). */
  readonly digest: string
}

export function summarize(actions: readonly Action[], blocked: readonly BlockedItem[]): PlanSummary {
  let add = 0
  let change = 0
  let destroy = 0
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
  return plan.actions.length > 0
}

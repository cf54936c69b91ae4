/**
 * Changes the planner will not turn into actions. Each names the resource, why, and a way out;
 * a `cluster.id-mismatch` item means the whole plan is refused.
 */
export const BLOCKED_KINDS = [
  'cluster.id-mismatch',
  'topic.internal',
  'topic.partitions.decrease',
  'topic.cleanup-policy.compact-to-delete',
  'topic.replication.above-brokers',
  'topic.replication.reassignment-in-flight',
  'topic.replication.brokers-unknown',
  'topic.placement.refused',
  'placement.drain-unknown',
  'topic.config.read-only',
  'acl.single-writer',
  'acl.authorizer-disabled',
  'schema.incompatible',
  'topic.delete.active',
  'topic.retention.unconsumed',
  'topic.partitions.stateful-consumers',
  'dependency.blocked',
] as const
export type BlockedKind = (typeof BLOCKED_KINDS)[number]

/** A `Job` manifest, YAML-ready: the renderer prints it, the user reviews and runs it. */
export interface JobManifest {
  readonly apiVersion: 'streamctl/v1'
  readonly kind: 'Job'
  readonly metadata: {readonly name: string}
  readonly spec: {
    readonly type: 'repartition'
    readonly source: {readonly topic: string}
    readonly target: {readonly topic: string}
    /** The same shape as a `Job` manifest's spec, so the generated job validates as written. */
    readonly options: {readonly partitions: number}
  }
}

export interface BlockedItem {
  readonly kind: BlockedKind
  /** The resource, e.g. `Topic/shop.orders.v1`, `Service/orders`, `Subject/shop.orders.v1-value`, `Cluster`. */
  readonly resource: string
  readonly topic?: string
  readonly key?: string
  readonly reason: string
  /** What the user can do instead. */
  readonly wayOut: string
  readonly job?: JobManifest
  /** `dependency.blocked`: the id of the action withheld because what it needs is blocked. */
  readonly action?: string
}

function compareText(a: string | undefined, b: string | undefined): number {
  const x = a ?? ''
  const y = b ?? ''
  return x < y ? -1 : x > y ? 1 : 0
}

/** The plan's order of blocked items: by resource, kind, key, topic, action. */
export function compareBlocked(a: BlockedItem, b: BlockedItem): number {
  return compareText(a.resource, b.resource) || compareText(a.kind, b.kind) || compareText(a.key, b.key) || compareText(a.topic, b.topic) || compareText(a.action, b.action)
}

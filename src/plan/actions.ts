import type {PlacementSpec} from './placement-spec.js'
import type {AclEntry, CompatibilityLevel, QuotaEntityRef, SchemaReference, SchemaType, ScramMechanismId} from '../model/state.js'

/**
 * The planner's output vocabulary. Every action carries what the executor needs and a
 * display-only `reason`: the executor must never branch on `reason`, only on `kind` and data.
 */
export const RISKS = ['safe', 'disruptive', 'destructive'] as const
export type Risk = (typeof RISKS)[number]

export const ACTION_KINDS = [
  // Schemas first: producers of a new topic expect its subjects to be registered already.
  'schema.compatibility.set',
  'schema.register',
  'topic.create',
  'topic.partitions.increase',
  'topic.config.alter',
  'topic.replication.change',
  // Placement moves run one batch at a time; the leaders they leave off are elected after them.
  'topic.placement.reassign',
  'topic.leaders.elect',
  'replication.throttle.clear',
  // Credentials before grants, so a service can log in as soon as it is allowed anything.
  'user.credential.upsert',
  'quota.alter',
  'acl.create',
  'acl.delete',
  // A removed user's grants go first, then the credential itself.
  'user.credential.delete',
  'topic.delete',
] as const
export type ActionKind = (typeof ACTION_KINDS)[number]

interface ActionBase {
  /** Stable id, unique within a plan: `<kind>:<resource>`; `dependsOn` refers to these. */
  readonly id: string
  readonly risk: Risk
  readonly reason: string
  /** Ids of actions that must succeed first; when one fails the executor skips this one. */
  readonly dependsOn: readonly string[]
}

export interface TopicCreateAction extends ActionBase {
  readonly kind: 'topic.create'
  readonly topic: string
  readonly partitions: number
  readonly replicationFactor: number
  readonly config: Readonly<Record<string, string>>
}

export interface PartitionIncreaseAction extends ActionBase {
  readonly kind: 'topic.partitions.increase'
  readonly topic: string
  readonly before: number
  readonly after: number
}

export interface ConfigChange {
  readonly key: string
  /** IncrementalAlterConfigs operation: SET the value, or DELETE the topic override. */
  readonly op: 'set' | 'delete'
  /** Effective value before (topic override, inherited or default), `null` when unknown. */
  readonly before: string | null
  /** Effective value after; for `delete` the inherited/default value Kafka will fall back to. */
  readonly after: string | null
  /** True when `after` equals Kafka's built-in default for the key (`delete` alone says it is inherited). */
  readonly afterIsDefault: boolean
  readonly risk: Risk
  /** Set when a retention cut was limited by `retentionStep`: `after` is an intermediate value. */
  readonly stepped?: {readonly final: string; readonly remainingSteps: number}
}

export interface ConfigAlterAction extends ActionBase {
  readonly kind: 'topic.config.alter'
  readonly topic: string
  readonly changes: readonly ConfigChange[]
}

export interface ReplicationChangeAction extends ActionBase {
  readonly kind: 'topic.replication.change'
  readonly topic: string
  readonly before: number
  readonly after: number
  /** Target replica list per partition (index = partition id) for AlterPartitionReassignments. */
  readonly assignments: readonly (readonly number[])[]
  /** Bytes/second for leader/follower replication throttles while data moves; absent = none. */
  readonly throttle?: number
}

/** One partition of a placement reassignment. */
export interface PlacementMove {
  readonly partition: number
  readonly current: readonly number[]
  /** The replicas after the move; the first is the preferred leader. */
  readonly target: readonly number[]
  /** Brokers that receive a copy (each fetches the whole partition from its leader). */
  readonly added: readonly number[]
  /** Bytes of the partition's largest replica when planned; null when no log dir reported it. */
  readonly sizeBytes: number | null
}

/**
 * Moves a topic's replicas to where its placement strategy (or a rebalance) wants them, through
 * AlterPartitionReassignments, one batch at a time and never beside another reassignment in
 * flight; with a throttle, replication traffic is capped while it runs and uncapped afterwards.
 */
export interface PlacementReassignAction extends ActionBase {
  readonly kind: 'topic.placement.reassign'
  readonly topic: string
  readonly placement: PlacementSpec
  /** Why: the rules the live assignment breaks, or `rebalance` / `drain` (display only). */
  readonly violations: readonly string[]
  readonly moves: readonly PlacementMove[]
  /** Partition ids per batch, in order: a batch is submitted once the previous one finished. */
  readonly batches: readonly (readonly number[])[]
  /** Partitions of this topic already being reassigned when planned (a crashed apply's): awaited first. */
  readonly inFlight: readonly number[]
  /** Bytes copied by the moves whose size is known. */
  readonly bytes: number
  /** Moves that copy data of unknown size (the ETA counts them as empty). */
  readonly unknownSizes: number
  /** Seconds the batches take at the throttle; null without a throttle. */
  readonly etaSeconds: number | null
  /** Bytes/second per broker for the leader and follower replication throttles; absent = none. */
  readonly throttle?: number
}

/** A preferred-leader election (ElectLeaders) for partitions whose live leader is not the first replica. */
export interface LeaderElectAction extends ActionBase {
  readonly kind: 'topic.leaders.elect'
  readonly topic: string
  readonly partitions: readonly {readonly partition: number; readonly from: number; readonly to: number}[]
}

/** Removes replication throttle rates an interrupted move left on brokers (no reassignment in flight). */
export interface ThrottleClearAction extends ActionBase {
  readonly kind: 'replication.throttle.clear'
  readonly brokers: readonly number[]
}

export interface AclCreateAction extends ActionBase {
  readonly kind: 'acl.create'
  readonly acl: AclEntry
}

export interface AclDeleteAction extends ActionBase {
  readonly kind: 'acl.delete'
  readonly acl: AclEntry
}

export interface TopicDeleteAction extends ActionBase {
  readonly kind: 'topic.delete'
  readonly topic: string
  /** Which permission allowed it: the environment's prune scope or `--allow-delete`. */
  readonly allowedBy: 'prune-scope' | 'allow-delete'
}

/** Sets a subject's own compatibility level (`PUT /config/{subject}`); runs before its register. */
export interface SchemaCompatibilitySetAction extends ActionBase {
  readonly kind: 'schema.compatibility.set'
  readonly subject: string
  /** The subject's own level before; null = none (the registry's global level applied). */
  readonly before: CompatibilityLevel | null
  readonly after: CompatibilityLevel
}

/** Registers a new version of a subject (`POST /subjects/{subject}/versions`). */
export interface SchemaRegisterAction extends ActionBase {
  readonly kind: 'schema.register'
  readonly subject: string
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: readonly SchemaReference[]
  /** The latest version before; null for a new subject. */
  readonly before: {readonly version: number | null; readonly id: number | null} | null
  /** `diff` from a live side: the version the other side holds (a plan from manifests has none). */
  readonly sourceVersion?: number
}

/**
 * Sets a user's SCRAM credential for one mechanism (AlterUserScramCredentials upsertion). The
 * password is not in the plan: the executor takes it from the User's secret at apply time.
 */
export interface UserCredentialUpsertAction extends ActionBase {
  readonly kind: 'user.credential.upsert'
  readonly user: string
  readonly mechanism: ScramMechanismId
  readonly iterations: number
  /**
   * create: no credential for the mechanism; rotate: the declared password differs from the one
   * streamctl set; iterations: only the iteration count changes (same password, new salt);
   * unverified: the credential exists but streamctl has no record of its password, so it is set.
   */
  readonly change: 'create' | 'rotate' | 'iterations' | 'unverified'
  readonly beforeIterations: number | null
  /** Where the password comes from (`env:NAME`, `file:path`): safe to show. */
  readonly passwordFrom: string
}

/** Removes a user's SCRAM credential for one mechanism: the user can no longer log in with it. */
export interface UserCredentialDeleteAction extends ActionBase {
  readonly kind: 'user.credential.delete'
  readonly user: string
  readonly mechanism: ScramMechanismId
  /** declared: the User no longer declares this mechanism; else why the undeclared user is in scope. */
  readonly allowedBy: 'declared' | 'prune-scope' | 'applied-before' | 'diff'
}

export interface QuotaChange {
  readonly key: string
  /** null: not set on this entity (before), removed (after): never written as 0. */
  readonly before: number | null
  readonly after: number | null
}

/** A new or lower limit can throttle clients that ran freely: disruptive; lifting one is safe. */
export function quotaChangeRisk(c: QuotaChange): Risk {
  return c.after !== null && (c.before === null || c.after < c.before) ? 'disruptive' : 'safe'
}

/** AlterClientQuotas for one entity: set and remove keys; the action's risk is its highest change's. */
export interface QuotaAlterAction extends ActionBase {
  readonly kind: 'quota.alter'
  readonly entity: QuotaEntityRef
  readonly changes: readonly QuotaChange[]
}

export type Action =
  | SchemaCompatibilitySetAction
  | SchemaRegisterAction
  | TopicCreateAction
  | PartitionIncreaseAction
  | ConfigAlterAction
  | ReplicationChangeAction
  | PlacementReassignAction
  | LeaderElectAction
  | ThrottleClearAction
  | AclCreateAction
  | AclDeleteAction
  | TopicDeleteAction
  | UserCredentialUpsertAction
  | UserCredentialDeleteAction
  | QuotaAlterAction

/** The topic an action is about (ACLs: the topic resource, else undefined). */
export function actionTopic(a: Action): string | undefined {
  if (a.kind === 'acl.create' || a.kind === 'acl.delete') return a.acl.resourceType === 'TOPIC' ? a.acl.resourceName : undefined
  if (a.kind === 'schema.register' || a.kind === 'schema.compatibility.set') return undefined
  if (a.kind === 'user.credential.upsert' || a.kind === 'user.credential.delete' || a.kind === 'quota.alter') return undefined
  if (a.kind === 'replication.throttle.clear') return undefined
  return a.topic
}

const RISK_RANK: Record<Risk, number> = {safe: 0, disruptive: 1, destructive: 2}

export function maxRisk(risks: readonly Risk[]): Risk {
  let out: Risk = 'safe'
  for (const r of risks) if (RISK_RANK[r] > RISK_RANK[out]) out = r
  return out
}

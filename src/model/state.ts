/**
 * The one state type used for desired *and* observed cluster state (as in Atlas): the planner
 * compares two values of `ClusterState`. Arrays are kept sorted by name so that states serialise
 * deterministically (golden files, plan digests).
 */
import type {PlacementSpec} from '../plan/placement-spec.js'

export type ConfigMap = Readonly<Record<string, string>>

/** Where a config value comes from, as DescribeConfigs v1+ reports it (KIP-226 names, shortened). */
export const CONFIG_SOURCES = [
  'TOPIC', // DYNAMIC_TOPIC_CONFIG: set on the topic itself
  'DYNAMIC_BROKER', // DYNAMIC_BROKER_CONFIG
  'DYNAMIC_DEFAULT_BROKER', // DYNAMIC_DEFAULT_BROKER_CONFIG
  'STATIC_BROKER', // server.properties
  'DEFAULT', // Kafka's built-in default
  'UNKNOWN',
] as const
export type ConfigSource = (typeof CONFIG_SOURCES)[number]

export interface ObservedConfigEntry {
  readonly value: string | null
  readonly source: ConfigSource
  readonly readOnly?: boolean
  readonly sensitive?: boolean
  /** The value Kafka would use if the topic-level setting were removed (next synonym down), when known. */
  readonly inheritedValue?: string | null
  readonly inheritedSource?: ConfigSource
}

export interface TopicState {
  readonly name: string
  readonly partitions: number
  readonly replicationFactor: number
  /**
   * Topic-level settings. Desired: what the manifests set (policy expanded, environment defaults
   * and overrides applied). Observed: only the keys whose source is `TOPIC`.
   */
  readonly config: ConfigMap
  /** Observed only: every config of the topic with its source (for default-aware comparison and drift). */
  readonly effectiveConfig?: Readonly<Record<string, ObservedConfigEntry>>
  /** Observed only: replica broker ids per partition, index = partition id. */
  readonly replicas?: readonly (readonly number[])[]
  readonly internal?: boolean
  /** Desired only: where the replicas must sit (the topic's `placement`, else the environment's). */
  readonly placement?: PlacementSpec
  /** Observed only, read when placement matters: the live leader per partition (-1: none). */
  readonly leaders?: readonly number[]
  /** Observed only, with `leaders`: the in-sync replicas per partition. */
  readonly isr?: readonly (readonly number[])[]
}

/** Observed only: one partition of an in-flight reassignment and the replicas it moves to. */
export interface InFlightReassignment {
  readonly topic: string
  readonly partition: number
  /** The replicas once the move completes (Kafka's replicas minus the removing ones, in order). */
  readonly target: readonly number[]
}

export const ACL_RESOURCE_TYPES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID'] as const
export type AclResourceType = (typeof ACL_RESOURCE_TYPES)[number]
export const ACL_PATTERN_TYPES = ['LITERAL', 'PREFIXED'] as const
export type AclPatternType = (typeof ACL_PATTERN_TYPES)[number]
export const ACL_OPERATIONS = [
  'ALL', 'READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION',
  'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE',
] as const
export type AclOperation = (typeof ACL_OPERATIONS)[number]
export const ACL_PERMISSIONS = ['ALLOW', 'DENY'] as const
export type AclPermission = (typeof ACL_PERMISSIONS)[number]

export interface AclEntry {
  readonly resourceType: AclResourceType
  readonly resourceName: string
  readonly patternType: AclPatternType
  readonly principal: string
  readonly host: string
  readonly operation: AclOperation
  readonly permission: AclPermission
}

export const SCHEMA_TYPES = ['AVRO', 'JSON', 'PROTOBUF'] as const
export type SchemaType = (typeof SCHEMA_TYPES)[number]
export const COMPATIBILITY_LEVELS = [
  'NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE',
] as const
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number]

/**
 * A reference written `version: latest` in a manifest, until a plan pins it to a number
 * (schemas/pin-references.ts); -1 is also what Confluent's API reads as the latest version.
 */
export const LATEST_REFERENCE_VERSION = -1

export interface SchemaReference {
  readonly name: string
  readonly subject: string
  readonly version: number
}

export interface SubjectState {
  readonly subject: string
  readonly schemaType: SchemaType
  /** Desired: the schema text to register. Observed: the latest registered version's text. */
  readonly schema: string
  readonly references: readonly SchemaReference[]
  /** Per-subject compatibility level, when one is set (not the global default). */
  readonly compatibility?: CompatibilityLevel
  /** Observed only. */
  readonly version?: number
  readonly id?: number
  /**
   * Observed only, filled by the observe step when the desired schema differs from the latest
   * version: the registry's compatibility verdict on the desired text (at `level`), so the pure
   * planner can block an incompatible change with the registry's reasons.
   */
  readonly compatibilityWithDesired?: {
    readonly compatible: boolean
    readonly messages: readonly string[]
    readonly level?: CompatibilityLevel
    /** The live versions the desired text conflicts with (several under a `*_TRANSITIVE` level). */
    readonly conflictsWith?: readonly number[]
  }
  /** Observed only: the registry's lookup found the desired text as this (latest) version. */
  readonly matchesDesired?: boolean
}

/** The SCRAM mechanisms Kafka supports (AlterUserScramCredentials). */
export type ScramMechanismId = 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

/**
 * A password compared with what streamctl recorded when it last set the credential (a salted
 * fingerprint in the ledger, see apply/credential-fingerprint.ts): Kafka never returns passwords.
 * `unknown`: no fingerprint recorded (created elsewhere, or before streamctl managed it).
 */
export const PASSWORD_VERDICTS = ['matches', 'differs', 'unknown'] as const
export type PasswordVerdict = (typeof PASSWORD_VERDICTS)[number]

export interface UserCredentialState {
  readonly mechanism: ScramMechanismId
  readonly iterations: number
  /** Observed only, filled for declared users by the observe step. */
  readonly password?: PasswordVerdict
}

export interface UserState {
  readonly name: string
  readonly credentials: readonly UserCredentialState[]
}

export const QUOTA_KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'] as const
export type QuotaKey = (typeof QUOTA_KEYS)[number]

/** A client-quota entity: a user, a client id, or both; `null` is Kafka's `<default>` entity. */
export interface QuotaEntityRef {
  readonly user?: string | null
  readonly clientId?: string | null
}

export interface QuotaState {
  readonly entity: QuotaEntityRef
  /** Only the keys set on this entity (a key not set falls back to the next entity, or no limit). */
  readonly values: Readonly<Record<string, number>>
}

/** `user=alice,client-id=<default>`: Kafka's own way of naming an entity (kafka-configs). */
export function quotaEntityKey(e: QuotaEntityRef): string {
  const part = (type: string, v: string | null | undefined) => (v === undefined ? [] : [`${type}=${v === null ? '<default>' : v}`])
  return [...part('user', e.user), ...part('client-id', e.clientId)].join(',')
}

export interface ClusterState {
  /** Observed: from DescribeCluster. Desired: the environment's expected cluster id, if declared. */
  readonly clusterId?: string
  /** Observed only: number of live brokers (replication factor bound). */
  readonly brokerCount?: number
  /** Observed only: ids of the live brokers, ascending (replica placement for RF changes). */
  readonly brokerIds?: readonly number[]
  readonly topics: readonly TopicState[]
  readonly acls: readonly AclEntry[]
  readonly subjects: readonly SubjectState[]
  /** SCRAM credentials per user. Absent: not managed (not observed, nothing declared). */
  readonly users?: readonly UserState[]
  /** Client quotas per entity. Absent: not managed. */
  readonly quotas?: readonly QuotaState[]
  /** Observed only: users whose credentials this environment set before (the ledger): they stay in the prune scope. */
  readonly appliedUsers?: readonly string[]
  /** Observed only: the SCRAM user streamctl connected as (never deleted by its own plan). */
  readonly connectedUser?: string
  /** Observed only: quota entities (quotaEntityKey) this environment set before. */
  readonly appliedQuotaEntities?: readonly string[]
  /** Observed only: false when the cluster has no authorizer (DescribeAcls answers SECURITY_DISABLED). */
  readonly aclsSupported?: boolean
  /** Observed only: topics with a partition reassignment in flight. */
  readonly reassigningTopics?: readonly string[]
  /**
   * Observed only: principals this environment applied ACLs for before (read from the principal
   * ledger in Kafka), so their ACLs stay in the prune scope after the manifests drop them.
   */
  readonly appliedPrincipals?: readonly string[]
  /** Observed only, read when placement matters: every live broker and its `broker.rack`. */
  readonly brokers?: readonly {readonly id: number; readonly rack: string | null}[]
  /** Observed only, read when placement matters: the partitions being reassigned and where to. */
  readonly reassignments?: readonly InFlightReassignment[]
  /** Observed only, read when placement matters: brokers with a replication throttle rate set. */
  readonly throttledBrokers?: readonly number[]
  /**
   * Observed only, read when placement matters: bytes of each partition's largest replica,
   * keyed `topic:partition`. Left out of the observed digest: sizes grow while clients write.
   */
  readonly partitionSizes?: Readonly<Record<string, number>>
}

export function emptyClusterState(): ClusterState {
  return {topics: [], acls: [], subjects: []}
}

/** A stable key for comparing ACL entries as a set. */
export function aclKey(a: AclEntry): string {
  return [a.resourceType, a.patternType, a.resourceName, a.principal, a.host, a.operation, a.permission].join('|')
}

import type {AclEntry, AclOperation, AclPatternType, AclPermission, AclResourceType, ObservedConfigEntry} from '../model/state.js'

/**
 * The admin gateway: the one typed interface to a Kafka cluster that every command and job uses.
 * Implementations translate Kafka error codes into `KafkaApiError`s (src/cluster/errors.ts) and
 * connection/auth failures into one clear `StreamctlError` naming the environment and bootstrap.
 * Every method that takes many resources batches them into as few requests as Kafka allows.
 */
export interface BrokerInfo {
  readonly nodeId: number
  readonly host: string
  readonly port: number
  readonly rack?: string | null
}

export interface ClusterDescription {
  readonly clusterId: string
  readonly controllerId: number
  readonly brokers: readonly BrokerInfo[]
  /** What the connected principal may do on the cluster resource (KIP-430), when the broker says. */
  readonly authorizedOperations?: readonly AclOperation[]
}

export interface PartitionDescription {
  readonly partition: number
  readonly leader: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
}

export interface TopicDescription {
  readonly name: string
  readonly internal: boolean
  readonly partitions: readonly PartitionDescription[]
}

export interface NewTopic {
  readonly name: string
  readonly partitions: number
  readonly replicationFactor: number
  readonly config: Readonly<Record<string, string>>
}

export const CONFIG_OPS = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'] as const
export type ConfigOp = (typeof CONFIG_OPS)[number]

export interface ConfigAlteration {
  readonly resourceType: 'TOPIC' | 'BROKER'
  /** Topic name, or broker id as a string ('' for the cluster-wide broker default). */
  readonly resourceName: string
  readonly ops: readonly {readonly key: string; readonly op: ConfigOp; readonly value?: string}[]
}

export interface AclFilter {
  readonly resourceType?: AclResourceType | 'ANY'
  readonly resourceName?: string | null
  readonly patternType?: AclPatternType | 'ANY' | 'MATCH'
  readonly principal?: string | null
  readonly host?: string | null
  readonly operation?: AclOperation | 'ANY'
  readonly permission?: AclPermission | 'ANY'
}

export interface PartitionReassignment {
  readonly topic: string
  readonly partition: number
  /** Target replicas; `null` cancels an in-flight reassignment. */
  readonly replicas: readonly number[] | null
}

export interface OngoingReassignment {
  readonly topic: string
  readonly partition: number
  readonly replicas: readonly number[]
  readonly addingReplicas: readonly number[]
  readonly removingReplicas: readonly number[]
}

export interface ScramCredentialInfo {
  readonly user: string
  readonly mechanisms: readonly {readonly mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; readonly iterations: number}[]
}

export type ScramAlteration =
  | {readonly kind: 'upsert'; readonly user: string; readonly mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; readonly iterations: number; readonly password: string}
  | {readonly kind: 'delete'; readonly user: string; readonly mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'}

export interface QuotaEntity {
  /** e.g. {user: 'alice'} or {'client-id': 'app'}; a null value is the default entity. */
  readonly [entityType: string]: string | null
}

export interface QuotaEntry {
  readonly entity: QuotaEntity
  readonly values: Readonly<Record<string, number>>
}

export interface QuotaAlteration {
  readonly entity: QuotaEntity
  readonly ops: readonly {readonly key: string; readonly value: number | null}[]
}

export interface LogDirTopicSize {
  readonly topic: string
  readonly partition: number
  readonly brokerId: number
  readonly logDir: string
  readonly sizeBytes: number
}

/** A group as ListGroups reports it, with the broker that coordinates it (the one that listed it). */
export interface GroupListing {
  readonly groupId: string
  readonly coordinator: number
  readonly protocolType: string
  /** null when the broker is older than ListGroups v4. */
  readonly state: string | null
  /** `classic`, KIP-848 `consumer`, `share`, `streams`; `classic` when the broker predates v5. */
  readonly type: string
}

export interface GroupMemberInfo {
  readonly memberId: string
  readonly clientId: string
  readonly clientHost: string
  /** Topics the member subscribes to or is assigned, sorted; empty for non-consumer protocols. */
  readonly topics: readonly string[]
}

export interface GroupDescription {
  readonly groupId: string
  readonly type: string
  readonly state: string
  readonly protocolType: string
  /** The partition assignor (`range`, `cooperative-sticky`, `uniform`; Kafka Streams' `stream`), '' when none. */
  readonly assignor: string
  readonly members: readonly GroupMemberInfo[]
}

export interface CommittedOffset {
  readonly groupId: string
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

/** A partition, with its leader when the caller knows it (else a Metadata request finds it). */
export interface PartitionRef {
  readonly topic: string
  readonly partition: number
  readonly leader?: number
}

export interface PartitionOffsetQuery extends PartitionRef {
  /** A record timestamp in ms, or EARLIEST (-2), LATEST (-1), MAX_TIMESTAMP (-3) from protocol/list-offsets. */
  readonly timestamp: bigint
}

export interface PartitionOffset {
  readonly topic: string
  readonly partition: number
  readonly query: bigint
  /** null: no record matches (a timestamp after the newest record, an empty partition's MAX_TIMESTAMP). */
  readonly offset: number | null
  /** The matched record's timestamp (by-timestamp and MAX_TIMESTAMP queries), else null. */
  readonly timestamp: number | null
}

export interface PartitionProducer {
  readonly topic: string
  readonly partition: number
  readonly producerId: string
  /** The newest timestamp the producer wrote, ms. */
  readonly lastTimestamp: number
  readonly inTransaction: boolean
}

/** How old an answer of describeAllTopics may be to serve describeTopics' `maxAgeMs` for reads that tolerate it. */
export const RECENT_METADATA_MAX_AGE_MS = 5_000

export interface GatewayStats {
  /** Requests sent to brokers since the gateway was created (the bench:plan budget is counted here). */
  readonly requests: number
  /** The same requests per Kafka API name, to see where a budget goes. */
  readonly requestsPerApi: Readonly<Record<string, number>>
}

export interface DescribeTopicConfigsOptions {
  readonly includeSynonyms?: boolean
  /**
   * Kafka's built-in defaults: entries with source DEFAULT and exactly this value are dropped as each
   * response is decoded, so describing 10,000 topics does not hold 400,000 entries nobody set.
   */
  readonly omitBuiltInDefaults?: Readonly<Record<string, string | null>>
  /** Ask this broker (each broker answers from its own copy of the metadata); default any broker. */
  readonly nodeId?: number
}

export interface AdminGateway {
  describeCluster(): Promise<ClusterDescription>
  listTopics(options?: {includeInternal?: boolean}): Promise<string[]>
  /**
   * With `maxAgeMs`, topics that the last describeAllTopics saw at most that long ago come from its
   * answer, without a request: a plan's activity reads the leaders its observation just read.
   */
  describeTopics(names: readonly string[], options?: {maxAgeMs?: number}): Promise<TopicDescription[]>
  /** Every topic, internal ones included, from one Metadata request (listing then describing would fetch it twice). */
  describeAllTopics(): Promise<TopicDescription[]>
  /**
   * The named topics as one broker's metadata cache sees them; topics it does not know are left out
   * (no error). Used to wait until a change has reached every broker.
   */
  describeTopicsOnBroker(nodeId: number, names: readonly string[]): Promise<TopicDescription[]>
  /** All configs of each topic, with sources and (when asked) synonyms: batched, one request per broker round. */
  describeTopicConfigs(names: readonly string[], options?: DescribeTopicConfigsOptions): Promise<Map<string, Record<string, ObservedConfigEntry>>>
  describeBrokerConfigs(brokerIds: readonly number[]): Promise<Map<number, Record<string, ObservedConfigEntry>>>
  createTopics(topics: readonly NewTopic[], options?: {validateOnly?: boolean}): Promise<void>
  createPartitions(increases: readonly {topic: string; totalCount: number}[], options?: {validateOnly?: boolean}): Promise<void>
  deleteTopics(names: readonly string[]): Promise<void>
  /** IncrementalAlterConfigs (API 44): keys not named are left untouched. Never the legacy AlterConfigs. */
  incrementalAlterConfigs(alterations: readonly ConfigAlteration[], options?: {validateOnly?: boolean}): Promise<void>
  alterPartitionReassignments(reassignments: readonly PartitionReassignment[]): Promise<void>
  listPartitionReassignments(topics?: readonly string[]): Promise<OngoingReassignment[]>
  electLeaders(partitions: readonly {topic: string; partition: number}[], type?: 'PREFERRED' | 'UNCLEAN'): Promise<void>
  /** From any broker, or from `nodeId` (each broker's authorizer has its own copy of the ACLs). */
  describeAcls(filter?: AclFilter, options?: {nodeId?: number}): Promise<AclEntry[]>
  createAcls(entries: readonly AclEntry[]): Promise<void>
  deleteAcls(filters: readonly AclFilter[]): Promise<AclEntry[]>
  describeUserScramCredentials(users?: readonly string[]): Promise<ScramCredentialInfo[]>
  alterUserScramCredentials(alterations: readonly ScramAlteration[]): Promise<void>
  describeClientQuotas(filter?: {entityType?: string; match?: string | null}): Promise<QuotaEntry[]>
  alterClientQuotas(alterations: readonly QuotaAlteration[], options?: {validateOnly?: boolean}): Promise<void>
  /** Asks every broker (in KRaft a broker answers only for itself). */
  /** Replica sizes of these topics (names, or descriptions to save the Metadata request), or of all. */
  describeLogDirs(topics?: readonly string[] | readonly TopicDescription[]): Promise<LogDirTopicSize[]>
  /** Every group the principal may describe, from every broker (each lists the groups it coordinates). */
  listGroups(): Promise<GroupListing[]>
  /** Classic groups through DescribeGroups, KIP-848 consumer groups through ConsumerGroupDescribe; groups gone meanwhile are left out. */
  describeGroups(groups: readonly GroupListing[]): Promise<{groups: GroupDescription[]; denied: string[]}>
  /** Committed offsets of the groups on these partitions (batched OffsetFetch per coordinator). */
  fetchCommittedOffsets(groups: readonly GroupListing[], topics: readonly {name: string; partitions: readonly number[]}[]): Promise<CommittedOffset[]>
  /** ListOffsets at each partition's leader; one partition may be asked several queries. */
  listOffsets(queries: readonly PartitionOffsetQuery[]): Promise<PartitionOffset[]>
  /** The producers each partition's leader remembers (DescribeProducers). */
  /** Topics the caller may not READ come back in `denied` instead of failing the call. */
  describeProducers(partitions: readonly PartitionRef[]): Promise<{producers: PartitionProducer[]; denied: string[]}>
  stats(): GatewayStats
  close(): Promise<void>
}

import type {SourceLocation} from '../errors.js'
import type {ConnectorSpec} from './connector.js'
import type {EnvironmentSpec} from './environment.js'
import type {ReplicaSpec} from './replica.js'
import type {Secret} from './secret.js'
import type {ClusterState, CompatibilityLevel, SchemaType, TopicState} from './state.js'

export const TOPIC_POLICIES = ['stream', 'table', 'versioned'] as const
export type TopicPolicy = (typeof TOPIC_POLICIES)[number]

export const SUBJECT_NAME_STRATEGIES = ['topic', 'record'] as const
export type SubjectNameStrategy = (typeof SUBJECT_NAME_STRATEGIES)[number]

export interface SchemaRef {
  /** Name of a `Schema` resource. */
  readonly schema: string
  readonly strategy: SubjectNameStrategy
}

/** Manifest facts about a topic that are not cluster state (ownership, documentation, schemas). */
export interface TopicMeta {
  readonly name: string
  readonly description?: string
  readonly owner?: string
  readonly policy?: TopicPolicy
  readonly labels: Readonly<Record<string, string>>
  readonly keySchema?: SchemaRef
  readonly valueSchema?: SchemaRef
  readonly location?: SourceLocation
}

export interface SchemaSpec {
  readonly name: string
  readonly subject: string
  readonly type: SchemaType
  readonly schema: string
  /** The file the schema text came from, when not inline (for error positions). */
  readonly file?: string
  readonly references: readonly {name: string; subject: string; version: number}[]
  readonly compatibility?: CompatibilityLevel
  readonly location?: SourceLocation
}

export interface ServiceSpec {
  readonly name: string
  readonly principal: string
  readonly produces: readonly string[]
  /** `groups`: LITERAL group READ grants; `groupPrefixes`: PREFIXED ones. */
  readonly consumes: readonly {topic: string; groups: readonly string[]; groupPrefixes?: readonly string[]}[]
  readonly transactionalId?: string
  readonly location?: SourceLocation
}

export const SCRAM_MECHANISM_NAMES = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const
export type ScramMechanismName = (typeof SCRAM_MECHANISM_NAMES)[number]

/** A SCRAM identity (`User` resource): its credentials and the quotas of its user entity. */
export interface UserSpec {
  readonly name: string
  readonly credentials: readonly {readonly mechanism: ScramMechanismName; readonly iterations: number}[]
  /** Never printed; handed to the executor only (Kafka stores a salted hash of it). */
  readonly password: Secret
  readonly location?: SourceLocation
}

export type {QuotaState, QuotaEntityRef, QuotaKey} from './state.js'

export const JOB_KINDS = ['repartition', 'migrate', 'derive-latest', 'derive-versioned'] as const
export type JobKind = (typeof JOB_KINDS)[number]

export interface JobSpec {
  readonly name: string
  readonly kind: JobKind
  readonly source: {readonly topic: string; readonly environment?: string}
  readonly target: {readonly topic: string; readonly environment?: string}
  /** Kind-specific options, validated by the JSON Schema (partitions, key, transform, …). */
  readonly options: Readonly<Record<string, unknown>>
  readonly location?: SourceLocation
}

export const RULE_SEVERITIES = ['error', 'warning', 'off'] as const
export type RuleSeverity = (typeof RULE_SEVERITIES)[number]

export interface PolicySpec {
  readonly name: string
  readonly rules: Readonly<Record<string, {severity: RuleSeverity; options?: Readonly<Record<string, unknown>>}>>
  readonly location?: SourceLocation
}

/**
 * Everything the manifests say about one environment, resolved (interpolated, overlaid,
 * policies expanded) and checked. `cluster` is what the planner compares with observed state.
 */
export interface DesiredState {
  readonly environment: EnvironmentSpec
  readonly cluster: ClusterState
  readonly topicMeta: readonly TopicMeta[]
  readonly services: readonly ServiceSpec[]
  /** SCRAM users that apply to this environment (their credential state is `cluster.users`). */
  readonly users: readonly UserSpec[]
  readonly schemas: readonly SchemaSpec[]
  readonly jobs: readonly JobSpec[]
  readonly policies: readonly PolicySpec[]
  /** Kafka Connect connectors of this environment (absent when none is declared). */
  readonly connectors?: readonly ConnectorSpec[]
  /** Read-only copies of other environments' topics kept in this one (absent when none is declared). */
  readonly replicas?: readonly ReplicaSpec[]
}

export type {TopicState}

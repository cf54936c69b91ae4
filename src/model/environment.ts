import type {ConfigMap} from './state.js'
import type {Secret} from './secret.js'
import type {PlacementSpec} from '../plan/placement-spec.js'

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const
export type SaslMechanism = (typeof SASL_MECHANISMS)[number]

export interface TlsSpec {
  /** PEM files; paths are resolved relative to the manifest that declares them. */
  readonly caFile?: string
  readonly certFile?: string
  readonly keyFile?: string
  /** Hostname verification stays on unless this is set (never in production-like envs; lint warns). */
  readonly insecureSkipVerify?: boolean
}

export interface SaslSpec {
  readonly mechanism: SaslMechanism
  readonly username: string
  readonly password: Secret
}

export interface KafkaConnectionSpec {
  readonly bootstrap: readonly string[]
  readonly tls?: TlsSpec
  readonly sasl?: SaslSpec
  readonly clientId?: string
  readonly connectionTimeoutMs?: number
  readonly requestTimeoutMs?: number
}

export interface RegistrySpec {
  readonly url: string
  readonly username?: string
  readonly password?: Secret
  readonly token?: Secret
}

/** A Kafka Connect cluster's REST API and its HTTP Basic login. */
export interface ConnectClusterSpec {
  readonly url: string
  readonly auth?: {readonly username: string; readonly password: Secret}
}

/** For `cluster: dev`: how the local Apache Kafka started by `streamctl dev up` is shaped. */
export interface DevClusterSpec {
  readonly brokers: number
  readonly secure: boolean
  readonly dataDir?: string
  readonly kafkaVersion?: string
  /** Also run the dev cluster's Kafka Connect worker (`dev up --connect`). */
  readonly connect?: boolean
  /** `broker.rack` of the nodes, round-robin (`dev up --racks a,b,c`). */
  readonly racks?: readonly string[]
}

export interface PruneScope {
  /** Topic name prefixes this manifest set owns: the only topics it may delete. */
  readonly prefixes: readonly string[]
  /**
   * Principal globs (`User:shop-*`) this manifest set owns: ACLs of a matching principal that the
   * manifests no longer declare are deleted. Principals outside it (and outside the principals this
   * environment applied before) are never changed.
   */
  readonly principals: readonly string[]
  /** Connector-name globs this manifest set owns: undeclared connectors matching one are deleted. */
  readonly connectors?: readonly string[]
}

export interface EnvironmentDefaults {
  readonly partitions?: number
  readonly replicationFactor?: number
  readonly config: ConfigMap
}

export interface EnvironmentSpec {
  readonly name: string
  /** `dev`: the local cluster of `streamctl dev up`; connection is resolved from its state file. */
  readonly cluster?: 'dev'
  readonly dev?: DevClusterSpec
  readonly kafka?: KafkaConnectionSpec
  readonly registry?: RegistrySpec
  /** The Kafka Connect cluster its Connectors run on (for `cluster: dev` with `dev.connect`: the dev worker). */
  readonly connect?: ConnectClusterSpec
  /** Plan and apply refuse a cluster whose id differs. */
  readonly clusterId?: string
  /** Enables the stricter lint rules (e.g. min.insync.replicas below replication factor). */
  readonly productionLike: boolean
  readonly defaults: EnvironmentDefaults
  /** Placement of every declared topic that sets none of its own. */
  readonly placement?: PlacementSpec
  /** Glob patterns of topic names that may never be deleted. */
  readonly protect: readonly string[]
  readonly prune?: PruneScope
  readonly variables: Readonly<Record<string, string>>
  /** Settings of the plan's safety rules from activity (src/plan/impact.ts), overriding Policies'. */
  readonly safety?: Readonly<Record<string, {readonly severity: 'error' | 'warning' | 'off'; readonly options?: Readonly<Record<string, unknown>>}>>
}

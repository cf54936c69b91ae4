import type {SourceLocation} from '../errors.js'
import type {ConnectorSpec} from './connector.js'
import type {EnvironmentSpec, KafkaConnectionSpec} from './environment.js'
import {Secret} from './secret.js'

/**
 * The MirrorMaker 2 connector a Replica runs on the target's Connect worker. The copy is named
 * by MirrorMaker 2's DefaultReplicationPolicy, `<source alias>.<topic>` with the source
 * environment as alias, not by IdentityReplicationPolicy: a Topic is declared in every
 * environment, so the source topic's own name is already the target's writable topic (with its
 * owner producing); a prefixed copy cannot be mistaken for it and MM2 can tell it from a loop.
 */
export const MIRROR_SOURCE_CONNECTOR = 'org.apache.kafka.connect.mirror.MirrorSourceConnector'
export const DEFAULT_REPLICATION_POLICY = 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy'
export const BYTE_ARRAY_CONVERTER = 'org.apache.kafka.connect.converters.ByteArrayConverter'
const REPLICATION_SEPARATOR = '.'

/** A `Replica` resolved for its target environment. */
export interface ReplicaSpec {
  readonly name: string
  readonly source: {readonly environment: string; readonly topic: string}
  /** The source environment as its manifests declare it: the one way to connect to it. */
  readonly sourceEnvironment: EnvironmentSpec
  /** The copy on the target (`<source environment>.<topic>`). */
  readonly topic: string
  readonly partitions: number
  /** Whom the copy's only WRITE grant names; undefined on a cluster without ACLs to set. */
  readonly principal?: string
  readonly tasks?: number
  /** The MirrorSourceConnector's name on the target's worker. */
  readonly connector: string
  readonly location?: SourceLocation
}

/** The copy's name on the target, as DefaultReplicationPolicy.formatRemoteTopic writes it. */
export function replicaTopicName(sourceEnvironment: string, topic: string): string {
  return `${sourceEnvironment}${REPLICATION_SEPARATOR}${topic}`
}

export function replicaConnectorName(replica: string): string {
  return `replica-${replica}`
}

/** MM2's `topics` is a list of Java regexes: the one source topic, matched literally. */
function literalPattern(topic: string): string {
  return topic.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')
}

/**
 * The MirrorSourceConnector of a replica (pure): exact bytes (ByteArrayConverter for keys,
 * values and headers, so binary data, null and duplicate headers and tombstones pass as they
 * are), source partitions kept (MM2 writes each record to its source partition), offset syncs
 * written on the target (the replicator only reads the source), and no topic-config or ACL sync:
 * the copy's configs and grants are streamctl's, and a sync would fight the plan.
 */
export function replicaConnectorSpec(r: ReplicaSpec, conn: {readonly source: KafkaConnectionSpec; readonly target: KafkaConnectionSpec; readonly targetAlias: string; readonly replicationFactor: number}): ConnectorSpec {
  const config: Record<string, string | Secret> = {
    'source.cluster.alias': r.source.environment,
    'target.cluster.alias': conn.targetAlias,
    ...clientConfig('source.cluster.', conn.source, `the connection of environment ${r.source.environment}`),
    ...clientConfig('target.cluster.', conn.target, `the connection of environment ${conn.targetAlias}`),
    topics: literalPattern(r.source.topic),
    'replication.policy.class': DEFAULT_REPLICATION_POLICY,
    'key.converter': BYTE_ARRAY_CONVERTER,
    'value.converter': BYTE_ARRAY_CONVERTER,
    'header.converter': BYTE_ARRAY_CONVERTER,
    'sync.topic.configs.enabled': 'false',
    'sync.topic.acls.enabled': 'false',
    'emit.offset-syncs.enabled': 'true',
    'offset-syncs.topic.location': 'target',
    'offset-syncs.topic.replication.factor': String(conn.replicationFactor),
    'replication.factor': String(conn.replicationFactor),
  }
  const keyLocations = Object.fromEntries(Object.keys({...config, 'connector.class': '', name: ''}).map((k) => [k, r.location]).filter(([, l]) => l !== undefined))
  return {
    name: r.connector, className: MIRROR_SOURCE_CONNECTOR, ...(r.tasks !== undefined ? {tasks: r.tasks} : {}), state: 'running',
    ...(r.principal ? {principal: r.principal} : {}), config, ...(r.location ? {location: r.location} : {}), keyLocations,
  }
}

/**
 * The Kafka client settings of one side (`source.cluster.` / `target.cluster.`), from the same
 * connection streamctl uses. The JAAS line holds the password, so it is a Secret: shown as where
 * the password comes from, never printed.
 */
export function clientConfig(prefix: string, c: KafkaConnectionSpec, origin: string): Record<string, string | Secret> {
  const tls = c.tls !== undefined
  const out: Record<string, string | Secret> = {
    [`${prefix}bootstrap.servers`]: c.bootstrap.join(','),
    [`${prefix}security.protocol`]: c.sasl ? (tls ? 'SASL_SSL' : 'SASL_PLAINTEXT') : (tls ? 'SSL' : 'PLAINTEXT'),
  }
  if (c.sasl) {
    const module = c.sasl.mechanism === 'plain' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule'
    const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
    out[`${prefix}sasl.mechanism`] = c.sasl.mechanism.toUpperCase()
    out[`${prefix}sasl.jaas.config`] = new Secret(`${module} required username=${quote(c.sasl.username)} password=${quote(c.sasl.password.reveal())};`,
      `${c.sasl.password.origin === 'inline' ? origin : c.sasl.password.origin} (the password of ${c.sasl.username})`)
  }
  if (c.tls?.caFile) {
    out[`${prefix}ssl.truststore.type`] = 'PEM'
    out[`${prefix}ssl.truststore.location`] = c.tls.caFile
  }
  if (c.tls?.insecureSkipVerify) out[`${prefix}ssl.endpoint.identification.algorithm`] = ''
  return out
}

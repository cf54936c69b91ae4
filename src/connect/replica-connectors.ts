import {resolveEnvironmentConnection} from '../dev/index.js'
import type {DevEvent} from '../dev/events.js'
import {StreamctlError} from '../errors.js'
import type {ConnectorSpec} from '../model/connector.js'
import type {DesiredState} from '../model/desired.js'
import type {KafkaConnectionSpec} from '../model/environment.js'
import {replicaConnectorSpec} from '../model/replica.js'

/**
 * The MirrorSourceConnector of each Replica of the environment, configured with the connections
 * streamctl itself uses: the source environment's (started when it is a stopped dev cluster,
 * unless `start` is false) and the target's own.
 */
export async function replicaConnectors(desired: DesiredState, opts: {start: boolean; onEvent?: (e: DevEvent) => void}): Promise<ConnectorSpec[]> {
  const replicas = desired.replicas ?? []
  if (replicas.length === 0) return []
  const target = usable(await resolveEnvironmentConnection(desired.environment, opts), desired.environment.name)
  const out: ConnectorSpec[] = []
  for (const r of replicas) {
    const source = usable(await resolveEnvironmentConnection(r.sourceEnvironment, opts), r.source.environment)
    const copy = desired.cluster.topics.find((t) => t.name === r.topic)
    out.push(replicaConnectorSpec(r, {source, target, targetAlias: desired.environment.name, replicationFactor: copy?.replicationFactor ?? 1}))
  }
  return out
}

/** Only what a Kafka client config can say: bootstrap, SASL, a CA. Client certificates are not passed on yet. */
function usable(c: KafkaConnectionSpec, environment: string): KafkaConnectionSpec {
  if (c.tls?.certFile || c.tls?.keyFile) {
    throw new StreamctlError('USAGE', `environment "${environment}" logs in with a client certificate, which a Replica's MirrorMaker 2 connector cannot be given yet`, {
      hint: 'give the replicator a SASL login to that cluster (kafka.sasl), or leave the Replica out',
    })
  }
  return {bootstrap: c.bootstrap, ...(c.sasl ? {sasl: c.sasl} : {}), ...(c.tls ? {tls: c.tls} : {})}
}

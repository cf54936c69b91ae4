import {KafkaApiError} from '../cluster/errors.js'
import type {AdminGateway} from '../cluster/gateway.js'
import type {AclEntry, ClusterState, ObservedConfigEntry, TopicState} from '../model/state.js'

export interface ObserveOptions {
  /** Read ACLs too (needs DESCRIBE on the cluster; skipped when the environment declares no services). */
  readonly acls?: boolean
  /** Only these topics are observed at all (the others are left out of the state). */
  readonly topicFilter?: (name: string) => boolean
  /**
   * Of the observed topics, only these have their configs read (the others keep name, partitions
   * and replicas, with empty configs): a plan needs configs only for the topics its manifests
   * declare, and on a large cluster DescribeConfigs is most of the observation's time and memory.
   */
  readonly configFilter?: (name: string) => boolean
  /**
   * Kafka's built-in topic-config defaults. Entries whose source is DEFAULT and whose value equals
   * the built-in are left out of `effectiveConfig`: the planner falls back to the same table, and
   * with 10,000 topics they are most of the observed state's size (memory, digest time).
   */
  readonly kafkaDefaults?: Readonly<Record<string, string | null>>
}

/**
 * Reads the observed state through the gateway in a fixed number of batched calls: the number of
 * requests does not grow with the number of topics beyond the gateway's batching.
 */
export async function observeCluster(gateway: AdminGateway, options: ObserveOptions = {}): Promise<ClusterState> {
  const [cluster, all] = await Promise.all([gateway.describeCluster(), gateway.describeAllTopics()])
  const descriptions = options.topicFilter ? all.filter((d) => options.topicFilter!(d.name)) : all
  const described = descriptions.map((d) => d.name)
  const [configs, reassignments, acls] = await Promise.all([
    gateway.describeTopicConfigs(options.configFilter ? described.filter(options.configFilter) : described, {includeSynonyms: true, omitBuiltInDefaults: options.kafkaDefaults}),
    gateway.listPartitionReassignments(),
    options.acls ? describeAclsIfSupported(gateway) : Promise.resolve([] as AclEntry[]),
  ])
  const topics: TopicState[] = descriptions
    .map((d) => toTopicState(d.name, d.internal, d.partitions, configs.get(d.name) ?? {}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return {
    clusterId: cluster.clusterId,
    brokerCount: cluster.brokers.length,
    brokerIds: cluster.brokers.map((b) => b.nodeId).sort((a, b) => a - b),
    topics,
    acls: acls === null ? [] : [...acls].sort(compareAcl),
    ...(acls === null ? {aclsSupported: false} : {}),
    subjects: [],
    reassigningTopics: [...new Set(reassignments.map((r) => r.topic))].sort(),
  }
}

function toTopicState(
  name: string,
  internal: boolean,
  partitions: readonly {partition: number; replicas: readonly number[]}[],
  effective: Record<string, ObservedConfigEntry>,
): TopicState {
  const ordered = [...partitions].sort((a, b) => a.partition - b.partition)
  const config: Record<string, string> = {}
  for (const [key, entry] of Object.entries(effective)) {
    if (entry.source === 'TOPIC' && entry.value !== null) config[key] = entry.value
  }
  return {
    name,
    partitions: ordered.length,
    replicationFactor: ordered[0]?.replicas.length ?? 0,
    config,
    effectiveConfig: effective,
    replicas: ordered.map((p) => [...p.replicas]),
    internal: internal || name.startsWith('__'),
  }
}

async function describeAclsIfSupported(gateway: AdminGateway): Promise<AclEntry[] | null> {
  try {
    return await gateway.describeAcls()
  } catch (error) {
    if (error instanceof KafkaApiError && error.kafkaName === 'SECURITY_DISABLED') return null
    throw error
  }
}

function compareAcl(a: AclEntry, b: AclEntry): number {
  return (
    a.resourceType.localeCompare(b.resourceType) ||
    a.resourceName.localeCompare(b.resourceName) ||
    a.principal.localeCompare(b.principal) ||
    a.operation.localeCompare(b.operation) ||
    a.permission.localeCompare(b.permission)
  )
}

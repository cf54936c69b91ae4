import type {AclEntry, ObservedConfigEntry} from '../model/state.js'
import {aclFromWire, aclToWire, filterToWire} from './acl-codes.js'
import type {BrokerSession} from './broker-session.js'
import {toObservedConfigs} from './config-entries.js'
import {throwIfErrors} from './errors.js'
import type {
  AclFilter, AdminGateway, ClusterDescription, ConfigAlteration, GatewayStats, LogDirTopicSize, NewTopic,
  OngoingReassignment, PartitionReassignment, QuotaAlteration, QuotaEntry, ScramAlteration, ScramCredentialInfo,
  TopicDescription, DescribeTopicConfigsOptions,
} from './gateway.js'
import {describeLogDirs} from './log-dirs.js'
import {describeTopics, fetchMetadata, toDescriptions, waitForTopics} from './topic-metadata.js'
import {alterClientQuotas, describeClientQuotas} from './quotas.js'
import {alterUserScramCredentials, describeUserScramCredentials} from './scram.js'
import {DescribeCluster} from './protocol/describe-cluster.js'
import {DescribeConfigs, RESOURCE_TYPE_BROKER, RESOURCE_TYPE_TOPIC, describeConfigsVisiting} from './protocol/describe-configs.js'
import {ELECTION_TYPES, ElectLeaders} from './protocol/elect-leaders.js'
import {ALTER_CONFIG_OPS, IncrementalAlterConfigs} from './protocol/incremental-alter-configs.js'
import {AlterPartitionReassignments} from './protocol/alter-partition-reassignments.js'
import {ListPartitionReassignments} from './protocol/list-partition-reassignments.js'

/**
 * Topics per DescribeConfigs/CreateTopics request. Kafka has no per-request resource limit; 2,000
 * topics keep a response to a few MB while 10,000 topics still cost only five requests.
 */
export const TOPICS_PER_REQUEST = 2000
/**
 * DescribeConfigs answers ~40 entries (with synonyms) per topic: 500 topics per request keeps the
 * decoded batch small (10,000 topics: ~280 MB peak RSS for a whole plan instead of ~380 MB with
 * 2,000) for 20 requests instead of 5, still within the plan's budget of 30.
 */
export const CONFIG_TOPICS_PER_REQUEST = 500
const SERVER_TIMEOUT_MS = 30_000

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function groupByTopic<T extends {topic: string}>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const it of items) m.set(it.topic, [...(m.get(it.topic) ?? []), it])
  return m
}

/** The AdminGateway over kafkajs: kafkajs's own requests where they are right, our protocol files elsewhere. */
export class KafkajsGateway implements AdminGateway {
  constructor(private readonly session: BrokerSession) {}

  describeCluster(): Promise<ClusterDescription> {
    return this.session.call('DescribeCluster', async () => {
      const res = await this.session.send(await this.session.anyBroker(), DescribeCluster, {})
      throwIfErrors('DescribeCluster', [{code: res.errorCode, message: res.errorMessage}])
      const brokers = [...res.brokers].sort((a, b) => a.nodeId - b.nodeId)
      return {clusterId: res.clusterId, controllerId: res.controllerId, brokers}
    })
  }

  async listTopics(options: {includeInternal?: boolean} = {}): Promise<string[]> {
    return (await this.describeAllTopics()).filter((t) => options.includeInternal || !t.internal).map((t) => t.name)
  }

  describeAllTopics(): Promise<TopicDescription[]> {
    return this.session.call('Metadata', async () => toDescriptions(await fetchMetadata(this.session, null)))
  }

  describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    if (names.length === 0) return Promise.resolve([])
    return this.session.call('Metadata', () => describeTopics(this.session, names))
  }

  describeTopicConfigs(names: readonly string[], options: DescribeTopicConfigsOptions = {}): Promise<Map<string, Record<string, ObservedConfigEntry>>> {
    const batches = chunks(names, CONFIG_TOPICS_PER_REQUEST)
    return this.session.call('DescribeConfigs', async () => {
      const out = new Map<string, Record<string, ObservedConfigEntry>>()
      const broker = await this.session.anyBroker()
      const failed: {code: number; message: string | null; resource: string}[] = []
      // Each topic is converted as it is decoded (see describeConfigsVisiting): peak memory stays flat.
      const api = describeConfigsVisiting((r) => {
        if (r.errorCode !== 0) failed.push({code: r.errorCode, message: r.errorMessage, resource: `topic ${r.name}`})
        else out.set(r.name, toObservedConfigs(r.configs, options.omitBuiltInDefaults))
      })
      for (const batch of batches) {
        await this.session.send(broker, api, {
          resources: batch.map((name) => ({type: RESOURCE_TYPE_TOPIC, name, keys: null})),
          includeSynonyms: options.includeSynonyms ?? true,
        })
        throwIfErrors('DescribeConfigs', failed)
      }
      return out
    }, batches.length)
  }

  describeBrokerConfigs(brokerIds: readonly number[]): Promise<Map<number, Record<string, ObservedConfigEntry>>> {
    return this.session.call('DescribeConfigs', async () => {
      // A broker's static configs are known only to that broker: ask each one about itself.
      const results = await Promise.all(brokerIds.map(async (id) => {
        const res = await this.session.send(await this.session.broker(id), DescribeConfigs, {
          resources: [{type: RESOURCE_TYPE_BROKER, name: String(id), keys: null}],
          includeSynonyms: true,
        })
        throwIfErrors('DescribeConfigs', res.results.map((r) => ({code: r.errorCode, message: r.errorMessage, resource: `broker ${r.name}`})))
        return [id, toObservedConfigs(res.results[0]?.configs ?? [])] as const
      }))
      return new Map(results)
    })
  }

  createTopics(topics: readonly NewTopic[], options: {validateOnly?: boolean} = {}): Promise<void> {
    const batches = chunks(topics, TOPICS_PER_REQUEST)
    return this.session.call('CreateTopics', async () => {
      const broker = await this.session.controllerBroker()
      for (const batch of batches) {
        await broker.createTopics({
          topics: batch.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor,
            configEntries: Object.entries(t.config).map(([name, value]) => ({name, value})),
          })),
          validateOnly: options.validateOnly ?? false,
          timeout: SERVER_TIMEOUT_MS,
        })
        if (!options.validateOnly) await waitForTopics(this.session, batch.map((t) => t.name), 'present')
      }
    }, batches.length)
  }

  createPartitions(increases: readonly {topic: string; totalCount: number}[], options: {validateOnly?: boolean} = {}): Promise<void> {
    return this.session.call('CreatePartitions', async () => {
      await (await this.session.controllerBroker()).createPartitions({
        topicPartitions: increases.map((i) => ({topic: i.topic, count: i.totalCount})),
        validateOnly: options.validateOnly ?? false,
        timeout: SERVER_TIMEOUT_MS,
      })
      if (!options.validateOnly) {
        await waitForTopics(this.session, increases.map((i) => i.topic), {partitions: new Map(increases.map((i) => [i.topic, i.totalCount]))})
      }
    }, 1, increases.map((i) => `topic ${i.topic}`))
  }

  deleteTopics(names: readonly string[]): Promise<void> {
    const batches = chunks(names, TOPICS_PER_REQUEST)
    return this.session.call('DeleteTopics', async () => {
      const broker = await this.session.controllerBroker()
      for (const batch of batches) {
        await broker.deleteTopics({topics: batch, timeout: SERVER_TIMEOUT_MS})
        await waitForTopics(this.session, batch, 'absent')
      }
    }, batches.length, names.map((n) => `topic ${n}`))
  }

  incrementalAlterConfigs(alterations: readonly ConfigAlteration[], options: {validateOnly?: boolean} = {}): Promise<void> {
    return this.session.call('IncrementalAlterConfigs', async () => {
      // Topic and cluster-default resources go to any broker; a broker's own config to that broker.
      const groups = new Map<string, ConfigAlteration[]>()
      for (const a of alterations) {
        const target = a.resourceType === 'BROKER' && a.resourceName !== '' ? a.resourceName : 'any'
        groups.set(target, [...(groups.get(target) ?? []), a])
      }
      await Promise.all([...groups].map(async ([target, group]) => {
        const broker = target === 'any' ? await this.session.anyBroker() : await this.session.broker(Number(target))
        const res = await this.session.send(broker, IncrementalAlterConfigs, {
          resources: group.map((a) => ({
            type: a.resourceType === 'TOPIC' ? RESOURCE_TYPE_TOPIC : RESOURCE_TYPE_BROKER,
            name: a.resourceName,
            configs: a.ops.map((o) => ({name: o.key, op: ALTER_CONFIG_OPS[o.op], value: o.op === 'DELETE' ? null : (o.value ?? null)})),
          })),
          validateOnly: options.validateOnly ?? false,
        })
        throwIfErrors('IncrementalAlterConfigs', res.responses.map((r) => ({
          code: r.errorCode, message: r.errorMessage, resource: `${r.type === RESOURCE_TYPE_TOPIC ? 'topic' : 'broker'} ${r.name}`,
        })))
      }))
    })
  }

  alterPartitionReassignments(reassignments: readonly PartitionReassignment[]): Promise<void> {
    return this.session.call('AlterPartitionReassignments', async () => {
      const res = await this.session.send(await this.session.controllerBroker(), AlterPartitionReassignments, {
        timeoutMs: SERVER_TIMEOUT_MS,
        topics: [...groupByTopic(reassignments)].map(([name, parts]) => ({
          name,
          partitions: parts.map((p) => ({partition: p.partition, replicas: p.replicas})),
        })),
      })
      throwIfErrors('AlterPartitionReassignments', [
        {code: res.errorCode, message: res.errorMessage},
        ...res.responses.flatMap((t) => t.partitions.map((p) => ({code: p.errorCode, message: p.errorMessage, resource: `topic ${t.name} partition ${p.partition}`}))),
      ])
    })
  }

  listPartitionReassignments(topics?: readonly string[]): Promise<OngoingReassignment[]> {
    return this.session.call('ListPartitionReassignments', async () => {
      let filter: {name: string; partitions: number[]}[] | null = null
      if (topics) {
        const described = await this.describeTopics(topics)
        filter = described.map((t) => ({name: t.name, partitions: t.partitions.map((p) => p.partition)}))
      }
      const res = await this.session.send(await this.session.controllerBroker(), ListPartitionReassignments, {timeoutMs: SERVER_TIMEOUT_MS, topics: filter})
      throwIfErrors('ListPartitionReassignments', [{code: res.errorCode, message: res.errorMessage}])
      return res.topics
        .flatMap((t) => t.partitions.map((p) => ({topic: t.name, ...p})))
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    })
  }

  electLeaders(partitions: readonly {topic: string; partition: number}[], type: 'PREFERRED' | 'UNCLEAN' = 'PREFERRED'): Promise<void> {
    return this.session.call('ElectLeaders', async () => {
      const res = await this.session.send(await this.session.controllerBroker(), ElectLeaders, {
        electionType: ELECTION_TYPES[type],
        topicPartitions: [...groupByTopic(partitions)].map(([topic, ps]) => ({topic, partitions: ps.map((p) => p.partition)})),
        timeoutMs: SERVER_TIMEOUT_MS,
      })
      // ELECTION_NOT_NEEDED: the wanted leader leads already, which is what we asked for.
      throwIfErrors('ElectLeaders', [
        {code: res.errorCode},
        ...res.results.flatMap((t) => t.partitions.map((p) => ({code: p.errorCode, message: p.errorMessage, resource: `topic ${t.topic} partition ${p.partition}`}))),
      ], ['ELECTION_NOT_NEEDED'])
    })
  }

  describeAcls(filter?: AclFilter): Promise<AclEntry[]> {
    return this.session.call('DescribeAcls', async () => {
      const res = await (await this.session.anyBroker()).describeAcls({...filterToWire(filter)})
      return res.resources
        .flatMap((r) => r.acls.map((a) => aclFromWire({...r, ...a})))
        .filter((a): a is AclEntry => a !== undefined)
    })
  }

  createAcls(entries: readonly AclEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve()
    return this.session.call('CreateAcls', async () => {
      await (await this.session.anyBroker()).createAcls({acl: entries.map(aclToWire)})
    }, 1, entries.map((e) => `ACL ${e.permission} ${e.principal} ${e.operation} ${e.resourceType}:${e.patternType}:${e.resourceName}`))
  }

  deleteAcls(filters: readonly AclFilter[]): Promise<AclEntry[]> {
    if (filters.length === 0) return Promise.resolve([])
    return this.session.call('DeleteAcls', async () => {
      const res = await (await this.session.anyBroker()).deleteAcls({filters: filters.map(filterToWire)})
      throwIfErrors('DeleteAcls', res.filterResponses.map((f) => ({code: f.errorCode})))
      return res.filterResponses
        .flatMap((f) => f.matchingAcls.map((m) => aclFromWire(m)))
        .filter((a): a is AclEntry => a !== undefined)
    })
  }

  describeUserScramCredentials(users?: readonly string[]): Promise<ScramCredentialInfo[]> {
    return this.session.call('DescribeUserScramCredentials', async () => describeUserScramCredentials(this.session, users))
  }

  alterUserScramCredentials(alterations: readonly ScramAlteration[]): Promise<void> {
    return this.session.call('AlterUserScramCredentials', async () => alterUserScramCredentials(this.session, alterations))
  }

  describeClientQuotas(filter?: {entityType?: string; match?: string | null}): Promise<QuotaEntry[]> {
    return this.session.call('DescribeClientQuotas', async () => describeClientQuotas(this.session, filter))
  }

  alterClientQuotas(alterations: readonly QuotaAlteration[], options: {validateOnly?: boolean} = {}): Promise<void> {
    return this.session.call('AlterClientQuotas', async () => alterClientQuotas(this.session, alterations, options.validateOnly ?? false))
  }

  describeLogDirs(topics?: readonly string[]): Promise<LogDirTopicSize[]> {
    return this.session.call('DescribeLogDirs', async () => {
      const described = topics ? await this.describeTopics(topics) : undefined
      return describeLogDirs(this.session, described)
    })
  }

  stats(): GatewayStats {
    return {requests: this.session.requestCount}
  }

  close(): Promise<void> {
    return this.session.close()
  }
}


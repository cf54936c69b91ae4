import type {AclEntry, ObservedConfigEntry} from '../model/state.js'
import {aclFromWire, aclToWire, authorizedOperations, filterToWire} from './acl-codes.js'
import type {BrokerSession} from './broker-session.js'
import {toObservedConfigs} from './config-entries.js'
import {batchError, KafkaApiError, throwIfErrors} from './errors.js'
import {
  MAX_REQUESTS_IN_FLIGHT, ONE_RECORD, byKey, chunks, RECORD_BUDGET_PER_REQUEST, TOPICS_PER_REQUEST, configAlterationRecords, partitionIncreaseRecords, runBatches, splitByBudget, topicCreateRecords,
  type Indexed, type ItemFailure,
} from './batching.js'
import {translateError} from './connection-errors.js'
import {CreateAcls} from './protocol/create-acls.js'
import {DeleteAcls} from './protocol/delete-acls.js'
import type {StreamctlError} from '../errors.js'
import type {
  AclFilter, AdminGateway, ClusterDescription, ConfigAlteration, GatewayStats, LogDirTopicSize, NewTopic,
  OngoingReassignment, PartitionReassignment, GroupListing, GroupDescription, CommittedOffset, PartitionOffsetQuery, PartitionOffset, PartitionProducer, PartitionRef, QuotaAlteration, QuotaEntry, ScramAlteration, ScramCredentialInfo,
  TopicDescription, DescribeTopicConfigsOptions,
} from './gateway.js'
import {describeLogDirs} from './log-dirs.js'
import {describeGroups, describeProducers, fetchCommittedOffsets, listGroups, listOffsets} from './activity.js'
import {describeTopics, fetchMetadata, toDescriptions, waitForTopics} from './topic-metadata.js'
import {alterClientQuotas, describeClientQuotas} from './quotas.js'
import {describeUserScramCredentials, prepareScramRequests, sendScramRequests} from './scram.js'
import {DescribeCluster} from './protocol/describe-cluster.js'
import {DescribeConfigs, RESOURCE_TYPE_BROKER, RESOURCE_TYPE_TOPIC, describeConfigsVisiting} from './protocol/describe-configs.js'
import {ELECTION_TYPES, ElectLeaders} from './protocol/elect-leaders.js'
import {ALTER_CONFIG_OPS, IncrementalAlterConfigs} from './protocol/incremental-alter-configs.js'
import {AlterPartitionReassignments} from './protocol/alter-partition-reassignments.js'
import {ListPartitionReassignments} from './protocol/list-partition-reassignments.js'

/**
 * DescribeConfigs answers ~40 entries (with synonyms) per topic, converted as decoded, so a batch's
 * cost is its raw answer (~6 MB for 1,000 topics): 10 requests for 10,000 topics.
 */
export const CONFIG_TOPICS_PER_REQUEST = 1000
const SERVER_TIMEOUT_MS = 30_000

/** Deadline rounds for a call of `batches` requests sent MAX_REQUESTS_IN_FLIGHT at a time. */
function roundsOf(batches: readonly unknown[]): number {
  return Math.max(1, Math.ceil(batches.length / MAX_REQUESTS_IN_FLIGHT))
}

/** The AdminGateway over kafkajs: kafkajs's own requests where they are right, our protocol files elsewhere. */
function aclName(e: AclEntry): string {
  return `ACL ${e.permission} ${e.principal} ${e.operation} ${e.resourceType}:${e.patternType}:${e.resourceName}`
}

function filterName(f: AclFilter): string {
  return `ACL ${f.permission ?? 'ANY'} ${f.principal ?? '*'} ${f.operation ?? 'ANY'} ${f.resourceType ?? 'ANY'}:${f.patternType ?? 'ANY'}:${f.resourceName ?? '*'}`
}

export class KafkajsGateway implements AdminGateway {
  private lastDescribed: {readonly at: number; readonly byName: ReadonlyMap<string, TopicDescription>} | undefined

  constructor(private readonly session: BrokerSession) {}

  describeCluster(): Promise<ClusterDescription> {
    return this.session.call('DescribeCluster', async () => {
      const res = await this.session.send(await this.session.anyBroker(), DescribeCluster, {includeClusterAuthorizedOperations: true})
      throwIfErrors('DescribeCluster', [{code: res.errorCode, message: res.errorMessage}])
      const brokers = [...res.brokers].sort((a, b) => a.nodeId - b.nodeId)
      const operations = authorizedOperations(res.clusterAuthorizedOperations)
      return {clusterId: res.clusterId, controllerId: res.controllerId, brokers, ...(operations ? {authorizedOperations: operations} : {})}
    })
  }

  async listTopics(options: {includeInternal?: boolean} = {}): Promise<string[]> {
    return (await this.describeAllTopics()).filter((t) => options.includeInternal || !t.internal).map((t) => t.name)
  }

  describeAllTopics(): Promise<TopicDescription[]> {
    return this.session.call('Metadata', async () => {
      const all = toDescriptions(await fetchMetadata(this.session, null))
      this.lastDescribed = {at: Date.now(), byName: new Map(all.map((t) => [t.name, t]))}
      return all
    })
  }

  describeTopicsOnBroker(nodeId: number, names: readonly string[]): Promise<TopicDescription[]> {
    if (names.length === 0) return Promise.resolve([])
    return this.session.call('Metadata', async () => toDescriptions(await fetchMetadata(this.session, names, nodeId)))
  }

  describeTopics(names: readonly string[], options: {maxAgeMs?: number} = {}): Promise<TopicDescription[]> {
    if (names.length === 0) return Promise.resolve([])
    const recent = this.lastDescribed
    if (options.maxAgeMs !== undefined && recent && Date.now() - recent.at <= options.maxAgeMs && names.every((n) => recent.byName.has(n))) {
      return Promise.resolve(names.map((n) => recent.byName.get(n)!))
    }
    return this.session.call('Metadata', () => describeTopics(this.session, names))
  }

  describeTopicConfigs(names: readonly string[], options: DescribeTopicConfigsOptions = {}): Promise<Map<string, Record<string, ObservedConfigEntry>>> {
    const batches = chunks(names, CONFIG_TOPICS_PER_REQUEST)
    return this.session.call('DescribeConfigs', async () => {
      const out = new Map<string, Record<string, ObservedConfigEntry>>()
      const broker = options.nodeId === undefined ? await this.session.anyBroker() : await this.session.broker(options.nodeId)
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
    const batches = splitByBudget(topics, topicCreateRecords, RECORD_BUDGET_PER_REQUEST, TOPICS_PER_REQUEST)
    return this.session.call('CreateTopics', async (_cluster, progress) => {
      const broker = await this.session.controllerBroker()
      await this.runBatched('CreateTopics', topics.length, batches, (t) => `topic ${t.name}`, progress, async (batch) => {
        // kafkajs reports each refused topic (an aggregate of per-topic errors); the others were created.
        const failures = await this.refusals('CreateTopics', batch, (t) => `topic ${t.name}`, () => broker.createTopics({
          topics: batch.map(({item: t}) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor,
            configEntries: Object.entries(t.config).map(([name, value]) => ({name, value})),
          })),
          validateOnly: options.validateOnly ?? false,
          timeout: SERVER_TIMEOUT_MS,
        }))
        const failed = new Set(failures.map((f) => f.index))
        const created = batch.filter((b) => !failed.has(b.index)).map((b) => b.item.name)
        if (!options.validateOnly && created.length > 0) await waitForTopics(this.session, created, 'present', progress)
        return failures
      })
    }, roundsOf(batches))
  }

  createPartitions(increases: readonly {topic: string; totalCount: number}[], options: {validateOnly?: boolean} = {}): Promise<void> {
    const batches = splitByBudget(increases, partitionIncreaseRecords)
    return this.session.call('CreatePartitions', async (_cluster, progress) => {
      const broker = await this.session.controllerBroker()
      await this.runBatched('CreatePartitions', increases.length, batches, (i) => `topic ${i.topic}`, progress, async (batch) => {
        const failures = await this.refusals('CreatePartitions', batch, (i) => `topic ${i.topic}`, () => broker.createPartitions({
          topicPartitions: batch.map(({item: i}) => ({topic: i.topic, count: i.totalCount})),
          validateOnly: options.validateOnly ?? false,
          timeout: SERVER_TIMEOUT_MS,
        }))
        if (!options.validateOnly && failures.length === 0) {
          await waitForTopics(this.session, batch.map((b) => b.item.topic), {partitions: new Map(batch.map((b) => [b.item.topic, b.item.totalCount]))}, progress)
        }
        return failures
      })
    }, roundsOf(batches))
  }

  deleteTopics(names: readonly string[]): Promise<void> {
    const batches = splitByBudget(names, ONE_RECORD, RECORD_BUDGET_PER_REQUEST, TOPICS_PER_REQUEST)
    return this.session.call('DeleteTopics', async (_cluster, progress) => {
      const broker = await this.session.controllerBroker()
      await this.runBatched('DeleteTopics', names.length, batches, (n) => `topic ${n}`, progress, async (batch) => {
        const failures = await this.refusals('DeleteTopics', batch, (n) => `topic ${n}`, () => broker.deleteTopics({topics: batch.map((b) => b.item), timeout: SERVER_TIMEOUT_MS}))
        if (failures.length === 0) await waitForTopics(this.session, batch.map((b) => b.item), 'absent', progress)
        return failures
      })
    }, roundsOf(batches))
  }

  /**
   * Sends a call's batches (bounded concurrency) and throws one error naming each refused resource
   * once, with the indexes of what failed and what was never sent (see batchError).
   */
  private async runBatched<T>(
    api: string, total: number, batches: readonly Indexed<T>[][], name: (item: T) => string, progress: () => void,
    send: (batch: readonly Indexed<T>[]) => Promise<readonly ItemFailure<StreamctlError>[]>,
  ): Promise<void> {
    const run = await runBatches(batches, async (batch) => {
      const failures = await send(batch)
      progress()
      return failures
    }, (thrown) => translateError(thrown, this.session.ctx, api))
    if (run.failures.length === 0) return
    // A whole-request failure (e.g. the connection) reaches every item of its batch: name each one.
    const items = new Map(batches.flat().map((b) => [b.index, b.item]))
    const failures = run.failures.map((f) => (f.error instanceof KafkaApiError && !f.error.resource
      ? {index: f.index, error: new KafkaApiError({api, code: f.error.kafkaCode, message: f.error.brokerMessage, resource: name(items.get(f.index)!)})}
      : f))
    throw batchError(api, {total, failures, notSent: run.notSent})
  }

  /**
   * Runs one kafkajs request and turns what it threw into per-item refusals: kafkajs names the topic
   * of each CreateTopics error; for the other APIs it keeps only the first error code, which then
   * stands for every item of the request (Kafka applied the others, so a re-plan shows which remain).
   */
  private async refusals<T>(api: string, batch: readonly Indexed<T>[], name: (item: T) => string, request: () => Promise<unknown>): Promise<ItemFailure<StreamctlError>[]> {
    try {
      await request()
      return []
    } catch (error) {
      const e = translateError(error, this.session.ctx, api)
      if (!(e instanceof KafkaApiError)) throw e
      const byName = new Map(batch.map((b) => [name(b.item), b.index]))
      const named = [e, ...e.others].filter((x) => x.resource !== undefined && byName.has(x.resource))
      if (named.length === 0) {
        return batch.map((b) => ({
          index: b.index,
          error: new KafkaApiError({
            api, code: e.kafkaCode, resource: name(b.item),
            message: e.brokerMessage ?? (batch.length > 1 ? `Kafka refused at least one of the ${batch.length} resources of this request without saying which; re-run plan to see what remains` : null),
          }),
        }))
      }
      return named.map((x) => ({index: byName.get(x.resource!)!, error: new KafkaApiError({api, code: x.kafkaCode, message: x.brokerMessage, resource: x.resource})}))
    }
  }

  incrementalAlterConfigs(alterations: readonly ConfigAlteration[], options: {validateOnly?: boolean} = {}): Promise<void> {
    const resourceName = (a: ConfigAlteration): string => `${a.resourceType === 'TOPIC' ? 'topic' : 'broker'} ${a.resourceName}`
    // Topic and cluster-default resources go to any broker; a broker's own config to that broker.
    const groups = new Map<string, Indexed<ConfigAlteration>[]>()
    alterations.forEach((a, index) => {
      const target = a.resourceType === 'BROKER' && a.resourceName !== '' ? a.resourceName : 'any'
      groups.set(target, [...(groups.get(target) ?? []), {index, item: a}])
    })
    const batches = [...groups].flatMap(([target, group]) => splitByBudget(group, (g) => configAlterationRecords(g.item))
      .map((b) => ({target, batch: b.map((x) => x.item)})))
    const sendable = batches.map((b) => b.batch.map((item) => ({index: item.index, item: {...item.item, target: b.target}})))
    return this.session.call('IncrementalAlterConfigs', async (_cluster, progress) => {
      await this.runBatched('IncrementalAlterConfigs', alterations.length, sendable, (a) => resourceName(a), progress, async (batch) => {
        const target = batch[0]!.item.target
        const broker = target === 'any' ? await this.session.anyBroker() : await this.session.broker(Number(target))
        const res = await this.session.send(broker, IncrementalAlterConfigs, {
          resources: batch.map(({item: a}) => ({
            type: a.resourceType === 'TOPIC' ? RESOURCE_TYPE_TOPIC : RESOURCE_TYPE_BROKER,
            name: a.resourceName,
            configs: a.ops.map((o) => ({name: o.key, op: ALTER_CONFIG_OPS[o.op], value: o.op === 'DELETE' ? null : (o.value ?? null)})),
          })),
          validateOnly: options.validateOnly ?? false,
        })
        const byKey = new Map(batch.map((b) => [`${b.item.resourceType === 'TOPIC' ? RESOURCE_TYPE_TOPIC : RESOURCE_TYPE_BROKER}:${b.item.resourceName}`, b]))
        return res.responses.flatMap((r) => {
          const b = byKey.get(`${r.type}:${r.name}`)
          if (r.errorCode === 0 || !b) return []
          return [{index: b.index, error: new KafkaApiError({api: 'IncrementalAlterConfigs', code: r.errorCode, message: r.errorMessage, resource: resourceName(b.item)})}]
        })
      })
    }, roundsOf(sendable))
  }

  alterPartitionReassignments(reassignments: readonly PartitionReassignment[]): Promise<void> {
    return this.session.call('AlterPartitionReassignments', async () => {
      const res = await this.session.send(await this.session.controllerBroker(), AlterPartitionReassignments, {
        timeoutMs: SERVER_TIMEOUT_MS,
        topics: [...byKey(reassignments, (r) => r.topic)].map(([name, parts]) => ({
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
        topicPartitions: [...byKey(partitions, (p) => p.topic)].map(([topic, ps]) => ({topic, partitions: ps.map((p) => p.partition)})),
        timeoutMs: SERVER_TIMEOUT_MS,
      })
      // ELECTION_NOT_NEEDED: the wanted leader leads already, which is what we asked for.
      throwIfErrors('ElectLeaders', [
        {code: res.errorCode},
        ...res.results.flatMap((t) => t.partitions.map((p) => ({code: p.errorCode, message: p.errorMessage, resource: `topic ${t.topic} partition ${p.partition}`}))),
      ], ['ELECTION_NOT_NEEDED'])
    })
  }

  describeAcls(filter?: AclFilter, options: {nodeId?: number} = {}): Promise<AclEntry[]> {
    return this.session.call('DescribeAcls', async () => {
      const broker = options.nodeId === undefined ? await this.session.anyBroker() : await this.session.broker(options.nodeId)
      const res = await broker.describeAcls({...filterToWire(filter)})
      return res.resources
        .flatMap((r) => r.acls.map((a) => aclFromWire({...r, ...a})))
        .filter((a): a is AclEntry => a !== undefined)
    })
  }

  createAcls(entries: readonly AclEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve()
    const batches = splitByBudget(entries, ONE_RECORD)
    return this.session.call('CreateAcls', async (_cluster, progress) => {
      const broker = await this.session.anyBroker()
      await this.runBatched('CreateAcls', entries.length, batches, aclName, progress, async (batch) => {
        const res = await this.session.send(broker, CreateAcls, {creations: batch.map((b) => aclToWire(b.item))})
        // One result per creation, in request order.
        return res.results.flatMap((r, i) => (r.errorCode === 0 ? [] : [{
          index: batch[i]!.index,
          error: new KafkaApiError({api: 'CreateAcls', code: r.errorCode, message: r.errorMessage, resource: aclName(batch[i]!.item)}),
        }]))
      })
    }, roundsOf(batches))
  }

  deleteAcls(filters: readonly AclFilter[]): Promise<AclEntry[]> {
    if (filters.length === 0) return Promise.resolve([])
    const batches = splitByBudget(filters, ONE_RECORD)
    return this.session.call('DeleteAcls', async (_cluster, progress) => {
      const broker = await this.session.anyBroker()
      const deleted: AclEntry[] = []
      await this.runBatched('DeleteAcls', filters.length, batches, filterName, progress, async (batch) => {
        const res = await this.session.send(broker, DeleteAcls, {filters: batch.map((b) => filterToWire(b.item))})
        const failures: ItemFailure<StreamctlError>[] = []
        res.filterResults.forEach((f, i) => {
          const own = batch[i]!
          const failed = f.errorCode !== 0 ? f : f.matchingAcls.find((m) => m.errorCode !== 0)
          if (failed) failures.push({index: own.index, error: new KafkaApiError({api: 'DeleteAcls', code: failed.errorCode, message: failed.errorMessage, resource: filterName(own.item)})})
          for (const m of f.matchingAcls) {
            const acl = m.errorCode === 0 ? aclFromWire(m) : undefined
            if (acl) deleted.push(acl)
          }
        })
        return failures
      })
      return deleted
    }, roundsOf(batches))
  }

  describeUserScramCredentials(users?: readonly string[]): Promise<ScramCredentialInfo[]> {
    return this.session.call('DescribeUserScramCredentials', async () => describeUserScramCredentials(this.session, users))
  }

  async alterUserScramCredentials(alterations: readonly ScramAlteration[]): Promise<void> {
    // Salting thousands of passwords takes seconds of CPU: done before the request clock starts.
    const requests = await prepareScramRequests(alterations)
    return this.session.call('AlterUserScramCredentials', async (_cluster, progress) => sendScramRequests(this.session, requests, progress))
  }

  describeClientQuotas(filter?: {entityType?: string; match?: string | null}): Promise<QuotaEntry[]> {
    return this.session.call('DescribeClientQuotas', async () => describeClientQuotas(this.session, filter))
  }

  alterClientQuotas(alterations: readonly QuotaAlteration[], options: {validateOnly?: boolean} = {}): Promise<void> {
    return this.session.call('AlterClientQuotas', async () => alterClientQuotas(this.session, alterations, options.validateOnly ?? false))
  }

  describeLogDirs(topics?: readonly string[] | readonly TopicDescription[]): Promise<LogDirTopicSize[]> {
    return this.session.call('DescribeLogDirs', async () => {
      const names = topics?.filter((t): t is string => typeof t === 'string')
      const described = topics === undefined ? undefined : names!.length === topics.length ? await this.describeTopics(names!) : topics as readonly TopicDescription[]
      return describeLogDirs(this.session, described)
    })
  }

  listGroups(): Promise<GroupListing[]> {
    return this.session.call('ListGroups', async () => listGroups(this.session))
  }

  describeGroups(groups: readonly GroupListing[]): Promise<{groups: GroupDescription[]; denied: string[]}> {
    return this.session.call('DescribeGroups', async () => describeGroups(this.session, groups))
  }

  fetchCommittedOffsets(groups: readonly GroupListing[], topics: readonly {name: string; partitions: readonly number[]}[]): Promise<CommittedOffset[]> {
    return this.session.call('OffsetFetch', async () => fetchCommittedOffsets(this.session, groups, topics))
  }

  listOffsets(queries: readonly PartitionOffsetQuery[]): Promise<PartitionOffset[]> {
    return this.session.call('ListOffsets', async () => listOffsets(this.session, queries))
  }

  describeProducers(partitions: readonly PartitionRef[]): Promise<{producers: PartitionProducer[]; denied: string[]}> {
    return this.session.call('DescribeProducers', async () => describeProducers(this.session, partitions))
  }

  stats(): GatewayStats {
    return {requests: this.session.requestCount, requestsPerApi: this.session.requestCountPerApi}
  }

  close(): Promise<void> {
    return this.session.close()
  }
}


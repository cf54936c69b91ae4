/**
 * How admin requests are cut to fit Kafka's limits (pure: no I/O).
 *
 * The KRaft controller turns each metadata-changing request into one list of metadata records and
 * refuses the whole request when that list would exceed `QuorumController.MAX_RECORDS_PER_USER_OP`
 * (10,000, the controller's maximum batch): `BoundedList.newArrayBacked(MAX_RECORDS_PER_USER_OP)` in
 * `ReplicationControlManager.createTopics` / `deleteTopics` / `createPartitions`,
 * `AclControlManager.createAcls` / `deleteAcls` and `ConfigurationControlManager.incrementalAlterConfigs`.
 * The broker answers POLICY_VIOLATION ("Cannot add another element to the list because it would
 * exceed the maximum length of 10000") for every resource of such a request, and nothing is changed.
 *
 * What a request costs, in records, from the same files:
 * - CreateTopics: a TopicRecord, one PartitionRecord per partition and one ConfigRecord per config
 *   key of each topic (1 + P + C);
 * - DeleteTopics: one RemoveTopicRecord per topic;
 * - CreatePartitions: one PartitionRecord per partition added (bounded above by the new total);
 * - CreateAcls / DeleteAcls: one AccessControlEntryRecord / RemoveAccessControlEntryRecord per ACL
 *   (our delete filters are exact, so each matches at most one ACL);
 * - IncrementalAlterConfigs: one ConfigRecord per key changed.
 */
export const CONTROLLER_MAX_RECORDS_PER_REQUEST = 10_000

/**
 * Our budget per request: half the controller's limit. The controller adds records we cannot count
 * from outside (e.g. clearing eligible-leader-replica sets when `min.insync.replicas` changes), and
 * with several requests in flight a smaller request costs little: 12,000 topics are still ~5 requests.
 */
export const RECORD_BUDGET_PER_REQUEST = 5_000

/**
 * Topics per CreateTopics/DeleteTopics request, whatever their record cost: the gateway waits for
 * each request's topics to appear (or vanish) on the broker, and a thousand keeps each wait short.
 */
export const TOPICS_PER_REQUEST = 1_000

/**
 * Requests of one kind in flight at once. Kafka lets a client pipeline requests on one connection;
 * the controller still applies them one at a time, so more would only queue there.
 */
export const MAX_REQUESTS_IN_FLIGHT = 4

export interface Indexed<T> {
  /** Position in the caller's list: failures are reported by it. */
  readonly index: number
  readonly item: T
}

export function topicCreateRecords(t: {readonly partitions: number; readonly config: Readonly<Record<string, string>>}): number {
  return 1 + Math.max(1, t.partitions) + Object.keys(t.config).length
}

export function partitionIncreaseRecords(i: {readonly totalCount: number}): number {
  return Math.max(1, i.totalCount)
}

export function configAlterationRecords(a: {readonly ops: readonly unknown[]}): number {
  return Math.max(1, a.ops.length)
}

export const ONE_RECORD = (): number => 1

/**
 * Splits `items` in order into batches whose summed cost stays within `budget` (and at most
 * `maxItems` items). An item that alone exceeds the budget goes alone in its batch: Kafka will say
 * why it cannot be done, for that item only.
 */
export function splitByBudget<T>(items: readonly T[], cost: (item: T) => number, budget = RECORD_BUDGET_PER_REQUEST, maxItems = Number.POSITIVE_INFINITY): Indexed<T>[][] {
  const batches: Indexed<T>[][] = []
  let current: Indexed<T>[] = []
  let used = 0
  items.forEach((item, index) => {
    const c = cost(item)
    if (current.length > 0 && (used + c > budget || current.length >= maxItems)) {
      batches.push(current)
      current = []
      used = 0
    }
    current.push({index, item})
    used += c
  })
  if (current.length > 0) batches.push(current)
  return batches
}

/** One resource of a batch that Kafka (or the connection) refused. */
export interface ItemFailure<E> {
  readonly index: number
  readonly error: E
}

export interface BatchRun<E> {
  readonly failures: readonly ItemFailure<E>[]
  /** Indexes never sent: a batch had failed before their turn. */
  readonly notSent: readonly number[]
}

/**
 * Sends `batches` with at most `concurrency` in flight. `send` resolves to the items its request
 * refused (the others are done); a rejection counts as the failure of every item of that batch.
 * After the first failure no new batch is started (those in flight finish), so a plan stops at
 * its first failing step with everything before it done and nothing after it attempted.
 */
export async function runBatches<T, E>(
  batches: readonly (readonly Indexed<T>[])[],
  send: (batch: readonly Indexed<T>[]) => Promise<readonly ItemFailure<E>[]>,
  toError: (thrown: unknown) => E,
  concurrency = MAX_REQUESTS_IN_FLIGHT,
): Promise<BatchRun<E>> {
  const failures: ItemFailure<E>[] = []
  const notSent: number[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++]!
      if (failures.length > 0) {
        for (const it of batch) notSent.push(it.index)
        continue
      }
      try {
        failures.push(...(await send(batch)))
      } catch (error) {
        const e = toError(error)
        for (const it of batch) failures.push({index: it.index, error: e})
      }
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(concurrency, batches.length))}, worker))
  failures.sort((a, b) => a.index - b.index)
  notSent.sort((a, b) => a - b)
  return {failures, notSent}
}

/** `items` in slices of at most `size`, in order. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** `items` grouped by `key`, each group in input order, groups in order of first appearance. */
export function byKey<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>()
  for (const it of items) {
    const k = key(it)
    const list = m.get(k)
    if (list) list.push(it)
    else m.set(k, [it])
  }
  return m
}

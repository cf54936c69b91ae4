import {describe, expect, it} from 'vitest'
import {executePlan} from '../../../src/apply/executor.js'
import {runBatches, splitByBudget, topicCreateRecords} from '../../../src/cluster/batching.js'
import {KafkaApiError, batchError} from '../../../src/cluster/errors.js'
import type {AdminGateway, NewTopic} from '../../../src/cluster/gateway.js'
import {StreamctlError} from '../../../src/errors.js'
import type {Action} from '../../../src/plan/index.js'
import {renderApplyProblems} from '../../../src/render/index.js'

/**
 * A gateway whose CreateTopics goes through the real batching and error path (splitByBudget,
 * runBatches, batchError) and whose "broker" refuses every topic whose name matches `refuse`,
 * as Kafka refuses per topic (TOPIC_ALREADY_EXISTS, POLICY_VIOLATION…). A fake gateway is fine
 * for the executor's unit tests; the same behaviour runs on real Kafka in test/integration/reconcile/scale.test.ts.
 */
function refusingGateway(refuse: (name: string) => boolean, budget = 500): AdminGateway {
  return {
    async createTopics(topics: readonly NewTopic[]) {
      const run = await runBatches(splitByBudget(topics, topicCreateRecords, budget), async (batch) => batch
        .filter((b) => refuse(b.item.name))
        .map((b) => ({index: b.index, error: new KafkaApiError({api: 'CreateTopics', code: 44, message: `Cannot add another element to the list because it would exceed the maximum length of 10000`, resource: `topic ${b.item.name}`})})),
      (e): StreamctlError => new StreamctlError('INTERNAL', String(e)))
      if (run.failures.length > 0) throw batchError('CreateTopics', {total: topics.length, ...run})
    },
  } as unknown as AdminGateway
}

function creates(n: number): Action[] {
  return Array.from({length: n}, (_, i) => {
    const topic = `shop.orders.${String(i).padStart(5, '0')}.v1`
    return {kind: 'topic.create', id: `topic.create:${topic}`, topic, partitions: 3, replicationFactor: 1, config: {'retention.ms': '86400000'}, risk: 'safe', reason: 'declared', dependsOn: []}
  })
}

async function failedOutput(n: number): Promise<{text: number; json: number; failed: number}> {
  // One request holding every topic, all refused: the case that once printed over 100 MB for 2,000 topics.
  const result = await executePlan(creates(n), refusingGateway(() => true, Number.POSITIVE_INFINITY), {visibilityTimeoutMs: 0})
  return {text: renderApplyProblems(result).join('\n').length, json: JSON.stringify(result).length, failed: result.counts.failed}
}

describe('a failed batch reports each failed resource once', () => {
  it('output grows linearly with the number of failures (text and JSON)', async () => {
    const small = await failedOutput(200)
    const large = await failedOutput(2000)
    expect(small.failed).toBe(200)
    expect(large.failed).toBe(2000)
    // 10× the failures: about 10× the output. Quadratic output (each failure listing the others) would be ~100×.
    expect(large.text / small.text).toBeGreaterThan(9)
    expect(large.text / small.text).toBeLessThan(11)
    expect(large.json / small.json).toBeLessThan(11)
    // About one line of a few hundred bytes per failure.
    expect(large.text / 2000).toBeLessThan(400)
  })

  it('each failed action carries its own resource and error; the others of the batch are done', async () => {
    const actions = creates(1200)
    const refuse = (name: string) => name.endsWith('07.v1')
    const result = await executePlan(actions, refusingGateway(refuse), {visibilityTimeoutMs: 0})
    // 5 records per topic, budget 500: 100 topics per request, 4 requests in flight; after the
    // failures in those, the other 8 requests are never sent.
    const byOutcome = (o: string) => result.results.filter((r) => r.outcome === o).map((r) => r.id)
    const sent = actions.slice(0, 400)
    expect(byOutcome('failed')).toEqual(sent.filter((a) => a.kind === 'topic.create' && refuse(a.topic)).map((a) => a.id))
    expect(byOutcome('done')).toEqual(sent.filter((a) => a.kind === 'topic.create' && !refuse(a.topic)).map((a) => a.id))
    expect(byOutcome('skipped')).toEqual(actions.slice(400).map((a) => a.id))
    for (const r of result.results.filter((x) => x.outcome === 'failed')) {
      const topic = r.id.slice('topic.create:'.length)
      expect(r.error).toContain(`topic ${topic}`)
      // No other topic's name appears in this action's error.
      expect(r.error!.match(/shop\.orders\.\d+\.v1/g)).toEqual([topic])
    }
    expect(result.ok).toBe(false)
  })

  it('a request that failed as a whole (no per-resource answer) prints its error once, then the actions', async () => {
    const gateway = {async createTopics() { throw new StreamctlError('CLUSTER_UNREACHABLE', 'no answer from the Kafka cluster within 15s (CreateTopics)') }} as unknown as AdminGateway
    const result = await executePlan(creates(2000), gateway, {visibilityTimeoutMs: 0})
    const lines = renderApplyProblems(result)
    expect(result.counts.failed).toBe(2000)
    expect(lines.filter((l) => l.includes('no answer'))).toEqual(['  failed (2000) — no answer from the Kafka cluster within 15s (CreateTopics):'])
    expect(lines).toHaveLength(2001)
  })

  it('the error message names at most three other resources, however many failed', () => {
    const others = Array.from({length: 5000}, (_, i) => new KafkaApiError({api: 'CreateAcls', code: 42, resource: `ACL ${i}`}))
    const e = new KafkaApiError({api: 'CreateAcls', code: 42, resource: 'ACL first', others})
    expect(e.message.length).toBeLessThan(300)
    expect(e.message).toContain('and 5000 more: ACL 0, ACL 1, ACL 2, …')
    expect(e.others).toHaveLength(5000)
  })
})

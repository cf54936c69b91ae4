import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {
  CONTROLLER_MAX_RECORDS_PER_REQUEST, RECORD_BUDGET_PER_REQUEST, configAlterationRecords, runBatches, splitByBudget, topicCreateRecords,
} from '../../../src/cluster/batching.js'

// A fixed seed, logged, so a failure can be replayed (`seed` in the fast-check report too).
const seed = Number(process.env.FC_SEED ?? 20261203)
console.log(`batching properties: fast-check seed ${seed}`)

describe('splitByBudget', () => {
  it('keeps order and every item, and no batch of several items exceeds the budget or the item cap', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({min: 0, max: 300}), {maxLength: 400}),
      fc.integer({min: 1, max: 500}),
      fc.integer({min: 1, max: 50}),
      (costs, budget, maxItems) => {
        const batches = splitByBudget(costs, (c) => c, budget, maxItems)
        expect(batches.flat().map((b) => b.index)).toEqual(costs.map((_, i) => i))
        expect(batches.flat().map((b) => b.item)).toEqual(costs)
        for (const b of batches) {
          expect(b.length).toBeGreaterThan(0)
          expect(b.length).toBeLessThanOrEqual(maxItems)
          // An item costlier than the budget travels alone.
          if (b.length > 1) expect(b.reduce((n, x) => n + x.item, 0)).toBeLessThanOrEqual(budget)
        }
        // Greedy: a batch is closed only when the next item would not fit.
        for (let i = 0; i + 1 < batches.length; i++) {
          const used = batches[i]!.reduce((n, x) => n + x.item, 0)
          expect(used + batches[i + 1]![0]!.item > budget || batches[i]!.length === maxItems).toBe(true)
        }
      },
    ), {seed, numRuns: 300})
  })

  it('cuts a 12,000-topic estate into requests the controller accepts (1 + partitions + configs records per topic)', () => {
    const topics = Array.from({length: 12_000}, (_, i) => ({name: `t${i}`, partitions: 1 + (i % 12), config: (i % 3 === 0 ? {'retention.ms': '1', 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '5'} : {}) as Record<string, string>}))
    const batches = splitByBudget(topics, topicCreateRecords)
    const records = batches.map((b) => b.reduce((n, x) => n + topicCreateRecords(x.item), 0))
    expect(Math.max(...records)).toBeLessThanOrEqual(RECORD_BUDGET_PER_REQUEST)
    expect(RECORD_BUDGET_PER_REQUEST).toBeLessThan(CONTROLLER_MAX_RECORDS_PER_REQUEST)
    // 12,000 topics × (1 + 6.5 + 1) ≈ 102,000 records: about 21 requests, not one per topic.
    const total = records.reduce((a, b) => a + b, 0)
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(total / RECORD_BUDGET_PER_REQUEST))
    expect(batches.length).toBeLessThan(30)
    expect(topicCreateRecords({partitions: 3, config: {a: '1', b: '2'}})).toBe(6)
    expect(configAlterationRecords({ops: [1, 2, 3]})).toBe(3)
  })
})

describe('runBatches', () => {
  it('reports each failed item once, sends nothing new after a failure, and never exceeds the concurrency', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.boolean(), {minLength: 1, maxLength: 120}),
      fc.integer({min: 1, max: 20}),
      fc.integer({min: 1, max: 6}),
      async (fails, budget, concurrency) => {
        const batches = splitByBudget(fails, () => 1, budget)
        let inFlight = 0
        let maxInFlight = 0
        const sent: number[] = []
        const run = await runBatches(batches, async (batch) => {
          inFlight++
          maxInFlight = Math.max(maxInFlight, inFlight)
          await new Promise((r) => setTimeout(r, 1))
          inFlight--
          sent.push(...batch.map((b) => b.index))
          return batch.filter((b) => b.item).map((b) => ({index: b.index, error: `e${b.index}`}))
        }, String, concurrency)
        expect(maxInFlight).toBeLessThanOrEqual(concurrency)
        const failedIdx = run.failures.map((f) => f.index)
        expect(new Set(failedIdx).size).toBe(failedIdx.length)
        expect(failedIdx.every((i) => fails[i])).toBe(true)
        expect(run.failures.every((f) => f.error === `e${f.index}`)).toBe(true)
        // Sent and not sent partition the items.
        expect([...sent, ...run.notSent].sort((a, b) => a - b)).toEqual(fails.map((_, i) => i))
        // Every failing item that was sent is reported.
        expect(failedIdx).toEqual(sent.filter((i) => fails[i]).sort((a, b) => a - b))
        if (!fails.some(Boolean)) expect(run.notSent).toEqual([])
      },
    ), {seed, numRuns: 100})
  })

  it('a request that throws fails every item of its batch, with one error', async () => {
    const batches = splitByBudget(['a', 'b', 'c', 'd'], () => 1, 2)
    const run = await runBatches(batches, async (batch) => {
      if (batch[0]!.item === 'c') throw new Error('connection lost')
      return []
    }, (e) => (e as Error).message, 1)
    expect(run.failures).toEqual([{index: 2, error: 'connection lost'}, {index: 3, error: 'connection lost'}])
    expect(run.notSent).toEqual([])
  })
})

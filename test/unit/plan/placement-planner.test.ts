import {describe, expect, it} from 'vitest'
import {planPlacement, type PlacementRequest} from '../../../src/plan/placement-planner.js'
import {placementViolations, type PlacementBroker, type PlacementSpec} from '../../../src/plan/placement-spec.js'
import {batchMoves, estimateSeconds, partitionKey} from '../../../src/plan/reassignment-batches.js'

const racks3: PlacementBroker[] = [{id: 1, rack: 'a'}, {id: 2, rack: 'b'}, {id: 3, rack: 'c'}, {id: 4, rack: 'a'}, {id: 5, rack: 'b'}]
const plain = (n: number): PlacementBroker[] => Array.from({length: n}, (_, i) => ({id: i + 1}))

function run(brokers: PlacementBroker[], replicas: number[][], placement: PlacementSpec, extra: Partial<PlacementRequest> = {}) {
  return planPlacement({brokers, topics: [{topic: 't', replicas, placement}], ...extra})
}

describe('planPlacement', () => {
  const table: {name: string; brokers: PlacementBroker[]; replicas: number[][]; spec: PlacementSpec; drain?: number[]; expected: number[][]; moved: number}[] = [
    {name: 'any keeps a valid assignment', brokers: plain(3), replicas: [[1, 2], [1, 2]], spec: {strategy: 'any'}, expected: [[1, 2], [1, 2]], moved: 0},
    {name: 'balanced-leaders swaps leaders inside the replica set', brokers: plain(2), replicas: [[1, 2], [1, 2]], spec: {strategy: 'balanced-leaders'}, expected: [[1, 2], [2, 1]], moved: 0},
    {name: 'balanced-leaders moves one replica when no swap helps', brokers: plain(3), replicas: [[1, 2], [1, 2], [1, 2]], spec: {strategy: 'balanced-leaders'}, expected: [[1, 2], [2, 1], [3, 1]], moved: 1},
    {name: 'rack-aware replaces the second replica of a rack', brokers: racks3, replicas: [[1, 4], [2, 5], [3, 1]], spec: {strategy: 'rack-aware'}, expected: [[1, 5], [2, 4], [3, 1]], moved: 2},
    {name: 'in-rack brings followers into the leader rack', brokers: racks3, replicas: [[1, 2], [2, 1]], spec: {strategy: 'in-rack'}, expected: [[1, 4], [2, 5]], moved: 2},
    {name: 'drain moves every replica off the broker', brokers: plain(3), replicas: [[1, 3], [3, 2]], spec: {strategy: 'any'}, drain: [3], expected: [[1, 2], [1, 2]], moved: 2},
    {name: 'preferredLeaders keeps leaders on the named brokers', brokers: plain(3), replicas: [[1, 2], [2, 3], [3, 1]], spec: {strategy: 'any', preferredLeaders: [1]}, expected: [[1, 2], [1, 2], [1, 3]], moved: 1},
    {name: 'racks restricts the brokers', brokers: racks3, replicas: [[3, 1]], spec: {strategy: 'any', racks: ['a', 'b']}, expected: [[1, 2]], moved: 1},
  ]
  for (const t of table) {
    it(t.name, () => {
      const plan = run(t.brokers, t.replicas, t.spec, {drain: t.drain})
      const topic = plan.topics[0]!
      expect(topic.status).toBe('planned')
      if (topic.status !== 'planned') return
      expect(placementViolations(t.brokers, t.spec, topic.target, t.drain)).toEqual([])
      expect(plan.movedReplicas).toBe(t.moved)
      expect(topic.target).toEqual(t.expected)
    })
  }

  it('refuses an impossible strategy with a reason and a hint', () => {
    const cases: [PlacementBroker[], number[][], PlacementSpec, RegExp][] = [
      [racks3, [[1, 2, 3, 4]], {strategy: 'rack-aware'}, /replication factor 4 exceeds the 3 eligible rack/],
      [plain(3), [[1, 2]], {strategy: 'rack-aware'}, /broker 1 has no broker.rack/],
      [racks3, [[1, 2, 3]], {strategy: 'in-rack'}, /no eligible rack has 3 brokers/],
      [racks3, [[1]], {strategy: 'any', racks: ['z']}, /rack "z", which no live broker has/],
      [plain(2), [[1, 2]], {strategy: 'any', preferredLeaders: [9]}, /broker 9, which is not a live broker/],
      [plain(2), [[1, 2]], {strategy: 'any'}, /only 1 are eligible/],
    ]
    for (const [brokers, replicas, spec, why] of cases) {
      const drain = why.source.includes('only 1') ? [2] : []
      const topic = run(brokers, replicas, spec, {drain}).topics[0]!
      expect(topic.status).toBe('refused')
      if (topic.status === 'refused') {
        expect(topic.reason).toMatch(why)
        expect(topic.hint.length).toBeGreaterThan(0)
      }
    }
  })

  it('spreads replicas for a rebalance and keeps leaders balanced', () => {
    const replicas = Array.from({length: 6}, (_, p) => (p % 2 === 0 ? [1, 2] : [2, 1]))
    const plan = run(plain(4), replicas, {strategy: 'balanced-leaders'}, {spreadReplicas: true})
    const topic = plan.topics[0]!
    if (topic.status !== 'planned') throw new Error(topic.reason)
    const load = [1, 2, 3, 4].map((b) => topic.target.flat().filter((x) => x === b).length)
    expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(1)
    expect(placementViolations(plain(4), {strategy: 'balanced-leaders'}, topic.target)).toEqual([])
  })
})

describe('batchMoves', () => {
  const plan = run(plain(3), [[1, 2], [1, 2], [1, 2], [1, 2]], {strategy: 'balanced-leaders'})
  it('puts leader-only moves first and bounds every batch', () => {
    const sizes = new Map(plan.moves.map((m) => [partitionKey(m.topic, m.partition), 1000]))
    const out = batchMoves(plan.moves, {batchSize: 1, sizes})
    expect(out.batches.every((b) => b.moves.length === 1)).toBe(true)
    const firstCopy = out.batches.findIndex((b) => b.moves[0]!.added.length > 0)
    expect(out.batches.slice(firstCopy).every((b) => b.moves[0]!.added.length > 0)).toBe(true)
    expect(out.bytes).toBe(1000 * plan.movedReplicas)
    expect(out.unknownSizes).toBe(0)
    expect(estimateSeconds(out, 100)).toBe(10 * plan.movedReplicas)
    expect(estimateSeconds(out, undefined)).toBeUndefined()
  })
  it('counts partitions of unknown size and refuses a bad batch size', () => {
    const out = batchMoves(plan.moves, {batchSize: 10})
    expect(out.unknownSizes).toBe(plan.moves.filter((m) => m.added.length > 0).length)
    expect(() => batchMoves(plan.moves, {batchSize: 0})).toThrow(/positive integer/)
  })
})

/**
 * Placement in the manifest plan and in `rebalance`: named scenarios of desired + observed state
 * (five brokers on racks a b c a b, like `dev up --brokers 5 --racks a,b,c`) and the actions
 * they give. Every planned target satisfies the strategy, applying it converges (the next plan
 * is empty), an interrupted move is resumed rather than repeated, leftover throttles are lifted.
 */
import {describe, expect, it} from 'vitest'
import type {ClusterState, TopicState} from '../../../src/model/state.js'
import type {Action, LeaderElectAction, PlacementReassignAction, PlacementSpec} from '../../../src/plan/index.js'
import {placementViolations, planChanges, planRebalance, plannedSizes} from '../../../src/plan/index.js'
import {renderPlanJson, renderPlanMarkdown, renderPlanText} from '../../../src/render/index.js'
import {buildDesired, topicDefaults} from './fixture-case.js'

const BROKERS = [{id: 1, rack: 'a'}, {id: 2, rack: 'b'}, {id: 3, rack: 'c'}, {id: 4, rack: 'a'}, {id: 5, rack: 'b'}]
const RACK_AWARE: PlacementSpec = {strategy: 'rack-aware'}
const options = {allowDelete: false, topicDefaults: topicDefaults()}

function topic(name: string, replicas: number[][], extra: Partial<TopicState> = {}): TopicState {
  return {name, partitions: replicas.length, replicationFactor: replicas[0]!.length, config: {}, replicas, leaders: replicas.map((r) => r[0]!), ...extra}
}

function observed(topics: TopicState[], extra: Partial<ClusterState> = {}): ClusterState {
  return {clusterId: 'c1', brokerCount: 5, brokerIds: [1, 2, 3, 4, 5], brokers: BROKERS.map((b) => ({...b})), topics, acls: [], subjects: [], reassignments: [], throttledBrokers: [], partitionSizes: {}, ...extra}
}

function desiredOf(specs: {name: string; partitions: number; rf: number; placement?: PlacementSpec}[], envPlacement?: PlacementSpec) {
  return buildDesired({
    topics: specs.map((s) => ({name: s.name, partitions: s.partitions, replicationFactor: s.rf, config: {}, ...(s.placement ? {placement: s.placement} : {})})),
    environment: envPlacement ? {placement: envPlacement} : {},
  })
}

/** All replicas on brokers 1 and 2, every leader on 1: the skew the integration test creates. */
const skewed = (p: number) => Array.from({length: p}, () => [1, 2])

/** What the cluster looks like once the plan's moves and elections ran. */
function applyMoves(state: ClusterState, actions: readonly Action[]): ClusterState {
  return {
    ...state,
    topics: state.topics.map((t) => {
      const replicas = t.replicas!.map((r) => [...r])
      const leaders = [...(t.leaders ?? [])]
      for (const a of actions) {
        if (a.kind === 'topic.placement.reassign' && a.topic === t.name) {
          for (const m of a.moves) {
            replicas[m.partition] = [...m.target]
            if (!m.target.includes(leaders[m.partition]!)) leaders[m.partition] = m.target[0]!
          }
        }
        if (a.kind === 'topic.leaders.elect' && a.topic === t.name) for (const p of a.partitions) leaders[p.partition] = p.to
      }
      return {...t, replicas, leaders}
    }),
    throttledBrokers: [],
  }
}

const reassignOf = (actions: readonly Action[], t: string) => actions.find((a): a is PlacementReassignAction => a.kind === 'topic.placement.reassign' && a.topic === t)
const electOf = (actions: readonly Action[], t: string) => actions.find((a): a is LeaderElectAction => a.kind === 'topic.leaders.elect' && a.topic === t)

describe('placement in the manifest plan', () => {
  const cases: {name: string; desired: ReturnType<typeof desiredOf>; observed: ClusterState; placement: PlacementSpec; topic: string}[] = [
    {name: 'rack-aware, RF 2 skewed on brokers 1-2', desired: desiredOf([{name: 't', partitions: 10, rf: 2, placement: RACK_AWARE}]), observed: observed([topic('t', skewed(10))]), placement: RACK_AWARE, topic: 't'},
    {name: 'rack-aware from the Environment, RF 3 all on racks a and b', desired: desiredOf([{name: 't', partitions: 6, rf: 3}], RACK_AWARE), observed: observed([topic('t', Array.from({length: 6}, () => [1, 2, 4]))]), placement: RACK_AWARE, topic: 't'},
    {name: 'in-rack, RF 2 spread over racks', desired: desiredOf([{name: 't', partitions: 4, rf: 2, placement: {strategy: 'in-rack'}}]), observed: observed([topic('t', [[1, 2], [2, 3], [3, 4], [4, 5]])]), placement: {strategy: 'in-rack'}, topic: 't'},
    {name: 'balanced-leaders with preferred leaders 3 and 4', desired: desiredOf([{name: 't', partitions: 4, rf: 2, placement: {strategy: 'balanced-leaders', preferredLeaders: [3, 4]}}]), observed: observed([topic('t', skewed(4))]), placement: {strategy: 'balanced-leaders', preferredLeaders: [3, 4]}, topic: 't'},
    {name: 'racks a and c only', desired: desiredOf([{name: 't', partitions: 3, rf: 2, placement: {strategy: 'rack-aware', racks: ['a', 'c']}}]), observed: observed([topic('t', skewed(3))]), placement: {strategy: 'rack-aware', racks: ['a', 'c']}, topic: 't'},
  ]
  for (const c of cases) {
    it(`${c.name}: the target satisfies the strategy, leaders are elected, and a second plan is empty`, () => {
      const plan = planChanges(c.desired, c.observed, options)
      expect(plan.blocked).toEqual([])
      const move = reassignOf(plan.actions, c.topic)!
      expect(move.violations.length).toBeGreaterThan(0)
      const after = applyMoves(c.observed, plan.actions)
      const replicas = after.topics.find((t) => t.name === c.topic)!.replicas!
      expect(placementViolations(BROKERS, c.placement, replicas)).toEqual([])
      expect(after.topics.find((t) => t.name === c.topic)!.leaders).toEqual(replicas.map((r) => r[0]))
      // Kinds run in this order, and the election waits for the move.
      expect(plan.actions.map((a) => a.kind)).toEqual(['topic.placement.reassign', ...(electOf(plan.actions, c.topic) ? ['topic.leaders.elect'] : [])])
      if (electOf(plan.actions, c.topic)) expect(electOf(plan.actions, c.topic)!.dependsOn).toEqual([move.id])
      expect(planChanges(c.desired, after, options).actions).toEqual([])
    })
  }

  it('leader counts differ by at most one per broker after a rack-aware move of a skewed topic', () => {
    const obs = observed([topic('t', skewed(10))])
    const plan = planChanges(desiredOf([{name: 't', partitions: 10, rf: 2, placement: RACK_AWARE}]), obs, options)
    const leaders = applyMoves(obs, plan.actions).topics[0]!.leaders!
    const counts = [1, 2, 3, 4, 5].map((b) => leaders.filter((l) => l === b).length)
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
  })

  it('batches of at most 10 partitions, bytes from the sizes, ETA at the throttle', () => {
    const sizes = Object.fromEntries(Array.from({length: 25}, (_, p) => [`t:${p}`, 1000]))
    const plan = planChanges(desiredOf([{name: 't', partitions: 25, rf: 2, placement: RACK_AWARE}]), observed([topic('t', skewed(25))], {partitionSizes: sizes}), {...options, throttle: 500})
    const move = reassignOf(plan.actions, 't')!
    expect(move.batches.every((b) => b.length <= 10)).toBe(true)
    expect(move.batches.flat().sort((a, b) => a - b)).toEqual(move.moves.map((m) => m.partition).sort((a, b) => a - b))
    expect(move.bytes).toBe(move.moves.reduce((n, m) => n + 1000 * m.added.length, 0))
    expect(move.unknownSizes).toBe(0)
    expect(move.throttle).toBe(500)
    expect(move.etaSeconds).toBeGreaterThan(0)
    // Without sizes the moves are counted as unknown and the ETA says so by being low.
    const bare = reassignOf(planChanges(desiredOf([{name: 't', partitions: 25, rf: 2, placement: RACK_AWARE}]), observed([topic('t', skewed(25))]), options).actions, 't')!
    expect(bare.unknownSizes).toBe(bare.moves.filter((m) => m.added.length > 0).length)
    expect(bare.etaSeconds).toBeNull()
  })

  it('sizes stay out of the observed digest, and a saved plan re-plans to the same digest with its own sizes', () => {
    const d = desiredOf([{name: 't', partitions: 4, rf: 2, placement: RACK_AWARE}])
    const first = planChanges(d, observed([topic('t', skewed(4))], {partitionSizes: {'t:0': 10, 't:1': 10}}), options)
    const grown = observed([topic('t', skewed(4))], {partitionSizes: {'t:0': 99, 't:1': 99}})
    expect(planChanges(d, grown, options).observedDigest).toBe(first.observedDigest)
    expect(planChanges(d, {...grown, partitionSizes: plannedSizes(first.actions)}, options).digest).toBe(first.digest)
  })

  it('an interrupted move (reassignment in flight) is planned from its targets: wait, no second reassignment of those partitions', () => {
    const d = desiredOf([{name: 't', partitions: 2, rf: 2, placement: RACK_AWARE}])
    // Partition 0 was moving [1,2] → [1,3] when the apply died: Kafka lists [1,3,2] with 2 removing.
    const obs = observed([topic('t', [[1, 3, 2], [1, 2]])], {reassignments: [{topic: 't', partition: 0, target: [1, 3]}], reassigningTopics: ['t'], throttledBrokers: [1, 2, 3, 4, 5]})
    const plan = planChanges(d, obs, options)
    expect(plan.blocked).toEqual([])
    const move = reassignOf(plan.actions, 't')!
    expect(move.inFlight).toEqual([0])
    expect(move.moves.map((m) => m.partition)).not.toContain(0)
    // The in-flight move counts as done for the RF check: no replication change is planned.
    expect(plan.actions.some((a) => a.kind === 'topic.replication.change')).toBe(false)
    expect(plan.actions.some((a) => a.kind === 'replication.throttle.clear')).toBe(false)
  })

  it('a move in flight whose target already satisfies the strategy is waited for, then its preferred leader elected', () => {
    const d = desiredOf([{name: 't', partitions: 2, rf: 2, placement: RACK_AWARE}])
    // Partition 0 moves [2,1] → [3,2]; 3 is still copying (not in the ISR), 2 leads.
    const obs = observed([topic('t', [[3, 2, 1], [1, 3]], {leaders: [2, 1], isr: [[2, 1], [1, 3]]})], {reassignments: [{topic: 't', partition: 0, target: [3, 2]}], reassigningTopics: ['t']})
    const plan = planChanges(d, obs, options)
    const move = reassignOf(plan.actions, 't')!
    expect(move.moves).toEqual([])
    expect(move.inFlight).toEqual([0])
    expect(electOf(plan.actions, 't')!.partitions).toEqual([{partition: 0, from: 2, to: 3}])
  })

  it('throttle rates left on brokers with nothing in flight are removed', () => {
    const d = desiredOf([{name: 't', partitions: 3, rf: 2, placement: RACK_AWARE}])
    const plan = planChanges(d, observed([topic('t', [[1, 2], [2, 3], [3, 4]])], {throttledBrokers: [2, 4]}), options)
    expect(plan.actions.map((a) => a.kind)).toEqual(['replication.throttle.clear'])
    expect(plan.actions[0]).toMatchObject({brokers: [2, 4]})
  })

  it('leaders off their preferred broker are elected even when the assignment is fine', () => {
    const d = desiredOf([{name: 't', partitions: 3, rf: 2, placement: RACK_AWARE}])
    const plan = planChanges(d, observed([topic('t', [[1, 2], [2, 3], [3, 4]], {leaders: [2, 2, 3]})]), options)
    expect(plan.actions.map((a) => a.kind)).toEqual(['topic.leaders.elect'])
    expect(electOf(plan.actions, 't')!.partitions).toEqual([{partition: 0, from: 2, to: 1}])
  })

  it('no election of an unmoved partition whose preferred leader is out of sync (Kafka would refuse it)', () => {
    const d = desiredOf([{name: 't', partitions: 3, rf: 2, placement: RACK_AWARE}])
    const plan = planChanges(d, observed([topic('t', [[1, 2], [2, 3], [3, 4]], {leaders: [2, 2, 3], isr: [[2], [2, 3], [3, 4]]})]), options)
    expect(plan.actions).toEqual([])
  })

  it('a strategy the cluster cannot satisfy is blocked, naming the topic and field', () => {
    const d = desiredOf([{name: 't', partitions: 2, rf: 3, placement: {strategy: 'rack-aware', racks: ['a', 'b']}}])
    const plan = planChanges(d, observed([topic('t', [[1, 2, 4], [2, 4, 5]])]), options)
    expect(plan.actions).toEqual([])
    expect(plan.blocked).toEqual([expect.objectContaining({kind: 'topic.placement.refused', resource: 'Topic/t', key: 'placement'})])
    expect(plan.blocked[0]!.reason).toMatch(/replication factor 3 exceeds the 2 eligible rack/)
  })

  it('topics without placement and clusters without rack data plan no move', () => {
    expect(planChanges(desiredOf([{name: 't', partitions: 2, rf: 2}]), observed([topic('t', skewed(2))]), options).actions).toEqual([])
    const noBrokers = {...observed([topic('t', skewed(2))]), brokers: undefined}
    expect(planChanges(desiredOf([{name: 't', partitions: 2, rf: 2, placement: RACK_AWARE}]), noBrokers, options).actions).toEqual([])
  })
})

describe('rebalance', () => {
  it('spreads replicas of declared topics evenly, rack-aware by default on a racked cluster', () => {
    const obs = observed([topic('t', skewed(10)), topic('u', skewed(5))])
    const plan = planRebalance(desiredOf([{name: 't', partitions: 10, rf: 2}, {name: 'u', partitions: 5, rf: 2, placement: {strategy: 'balanced-leaders'}}]), obs, options)
    const after = applyMoves(obs, plan.actions)
    const t = after.topics.find((x) => x.name === 't')!.replicas!
    expect(placementViolations(BROKERS, RACK_AWARE, t)).toEqual([])
    const perBroker = [1, 2, 3, 4, 5].map((b) => t.flat().filter((x) => x === b).length)
    expect(Math.max(...perBroker) - Math.min(...perBroker)).toBeLessThanOrEqual(1)
    expect(placementViolations(BROKERS, {strategy: 'balanced-leaders'}, after.topics.find((x) => x.name === 'u')!.replicas!)).toEqual([])
    // A balanced cluster plans nothing more.
    expect(planRebalance(desiredOf([{name: 't', partitions: 10, rf: 2}, {name: 'u', partitions: 5, rf: 2, placement: {strategy: 'balanced-leaders'}}]), after, options).actions).toEqual([])
  })

  it('--drain empties the broker, undeclared and internal topics included', () => {
    const obs = observed([
      topic('t', [[5, 1], [1, 5], [2, 3], [3, 4]]),
      topic('__consumer_offsets', [[5, 1, 3], [1, 2, 3]], {internal: true}),
      topic('other', [[2, 5]]),
    ])
    const plan = planRebalance(desiredOf([{name: 't', partitions: 4, rf: 2}]), obs, {...options, drain: [5]})
    expect(plan.blocked).toEqual([])
    const after = applyMoves(obs, plan.actions)
    for (const t of after.topics) expect(t.replicas!.flat()).not.toContain(5)
    for (const t of after.topics) expect(t.leaders).not.toContain(5)
    // Undeclared topics move only the drained replica, and keep the leader where it may stay.
    expect(after.topics.find((t) => t.name === 'other')!.replicas![0]![0]).toBe(2)
    expect(after.topics.find((t) => t.name === '__consumer_offsets')!.replicas![1]).toEqual([1, 2, 3])
  })

  it('--drain of a broker that is not live is blocked and moves nothing', () => {
    const plan = planRebalance(desiredOf([{name: 't', partitions: 1, rf: 2}]), observed([topic('t', [[1, 2]])]), {...options, drain: [9]})
    expect(plan.actions).toEqual([])
    expect(plan.blocked).toEqual([expect.objectContaining({kind: 'placement.drain-unknown', resource: 'Broker/9'})])
  })
})

describe('rendering placement actions', () => {
  it('text, markdown and JSON show the moves, bytes, ETA and elections from the same plan', () => {
    const sizes = Object.fromEntries(Array.from({length: 4}, (_, p) => [`t:${p}`, 3 * 1024 * 1024]))
    const plan = planChanges(desiredOf([{name: 't', partitions: 4, rf: 2, placement: RACK_AWARE}]), observed([topic('t', skewed(4))], {partitionSizes: sizes}), {...options, throttle: 1024 * 1024})
    const text = renderPlanText(plan)
    const move = reassignOf(plan.actions, 't')!
    expect(text).toContain(`~ reassign ${move.moves.length} partition(s) in ${move.batches.length} batch(es), ${(move.bytes / 1024 / 1024).toFixed(1)} MiB to copy, ETA ${move.etaSeconds}s at 1.0 MiB/s`)
    expect(text).toMatch(/~ partition \d: \[1,2\] → \[\d,\d\]/)
    expect(text).toMatch(/preferred-leader election: partition \d 1 → \d/)
    expect(text).toMatch(/Moves: \d+ partition\(s\), \d+ replica\(s\) copied/)
    expect(renderPlanMarkdown(plan)).toContain('reassign')
    const json = JSON.parse(renderPlanJson(plan))
    expect(json.actions.map((a: {kind: string}) => a.kind)).toEqual(['topic.placement.reassign', 'topic.leaders.elect'])
  })
})

import {describe, expect, it} from 'vitest'
import {runPlacementMoves} from '../../../src/apply/placement-move.js'
import type {AdminGateway, ConfigAlteration, OngoingReassignment, PartitionReassignment} from '../../../src/cluster/gateway.js'
import type {PlacementReassignAction} from '../../../src/plan/index.js'

/**
 * The placement executor against a gateway that keeps a submitted reassignment "in flight" for a
 * few polls, as Kafka does while replicas copy. A fake gateway is fine here; the same behaviour
 * runs on a real five-broker cluster in test/integration/reconcile/placement.test.ts.
 */
function movingGateway(opts: {inFlightAtStart?: OngoingReassignment[]; pollsPerBatch?: number; failOnBatch?: number} = {}) {
  const log: string[] = []
  let ongoing: OngoingReassignment[] = [...(opts.inFlightAtStart ?? [])]
  let pollsLeft = ongoing.length > 0 ? (opts.pollsPerBatch ?? 2) : 0
  let batches = 0
  const gateway = {
    async describeCluster() {
      return {clusterId: 'c', controllerId: 1, brokers: [1, 2, 3].map((nodeId) => ({nodeId, host: 'h', port: 1}))}
    },
    async incrementalAlterConfigs(alterations: readonly ConfigAlteration[]) {
      const ops = alterations.flatMap((a) => a.ops.map((o) => `${a.resourceType}:${a.resourceName}:${o.op}:${o.key}${o.value ? `=${o.value}` : ''}`))
      log.push(`configs ${ops.join(' ')}`)
    },
    async alterPartitionReassignments(r: readonly PartitionReassignment[]) {
      // One batch in flight at a time: a submission while another runs is the bug this guards.
      if (ongoing.length > 0) throw new Error(`submitted while ${ongoing.length} partition(s) are in flight`)
      batches++
      if (opts.failOnBatch === batches) throw new Error('broker said no')
      log.push(`reassign ${r.map((x) => `${x.topic}:${x.partition}->${x.replicas!.join(',')}`).join(' ')}`)
      ongoing = r.map((x) => ({topic: x.topic, partition: x.partition, replicas: [...x.replicas!], addingReplicas: [], removingReplicas: []}))
      pollsLeft = opts.pollsPerBatch ?? 2
    },
    async listPartitionReassignments() {
      if (pollsLeft > 0 && --pollsLeft === 0) ongoing = []
      return ongoing
    },
  } as unknown as AdminGateway
  return {gateway, log}
}

function action(topic: string, partitions: number[], batches: number[][], extra: Partial<PlacementReassignAction> = {}): PlacementReassignAction {
  return {
    kind: 'topic.placement.reassign', id: `topic.placement.reassign:${topic}`, risk: 'disruptive', reason: 'test', dependsOn: [],
    topic, placement: {strategy: 'rack-aware'}, violations: ['x'],
    moves: partitions.map((partition) => ({partition, current: [1, 2], target: [3, 1], added: [3], sizeBytes: 100})),
    batches, inFlight: [], bytes: 100 * partitions.length, unknownSizes: 0, etaSeconds: null, ...extra,
  }
}

describe('runPlacementMoves', () => {
  it('sets the throttle, submits batch after batch only once the previous finished, then lifts the throttle', async () => {
    const {gateway, log} = movingGateway()
    const events: string[] = []
    await runPlacementMoves(gateway, [action('a', [0, 1, 2], [[0, 1], [2]], {throttle: 1000}), action('b', [0], [[0]], {throttle: 1000})], {pollMs: 1, onEvent: (e) => {
      if (e.type === 'reassignment.batch') events.push(`${e.topic} ${e.batch}/${e.batches}`)
    }})
    expect(log[0]).toContain('BROKER:1:SET:leader.replication.throttled.rate=1000')
    expect(log[0]).toContain('TOPIC:b:SET:follower.replication.throttled.replicas=*')
    expect(log.slice(1, 4)).toEqual(['reassign a:0->3,1 a:1->3,1', 'reassign a:2->3,1', 'reassign b:0->3,1'])
    expect(log[4]).toContain('BROKER:3:DELETE:follower.replication.throttled.rate')
    expect(log[4]).toContain('TOPIC:a:DELETE:leader.replication.throttled.replicas')
    expect(events).toEqual(['a 1/2', 'a 2/2', 'b 1/1'])
  })

  it('waits for a reassignment already in flight (a crashed apply\'s) before its first batch', async () => {
    const {gateway, log} = movingGateway({inFlightAtStart: [{topic: 'a', partition: 0, replicas: [3, 1, 2], addingReplicas: [3], removingReplicas: [2]}], pollsPerBatch: 3})
    await runPlacementMoves(gateway, [action('a', [1], [[1]], {inFlight: [0]})], {pollMs: 1})
    expect(log.filter((l) => l.startsWith('reassign'))).toEqual(['reassign a:1->3,1'])
  })

  it('lifts the throttle even when a batch fails, and without a throttle asked still clears what a crash left', async () => {
    const failing = movingGateway({failOnBatch: 2})
    await expect(runPlacementMoves(failing.gateway, [action('a', [0, 1], [[0], [1]], {throttle: 5})], {pollMs: 1})).rejects.toThrow('broker said no')
    expect(failing.log.at(-1)).toContain('DELETE:leader.replication.throttled.rate')
    const unthrottled = movingGateway()
    await runPlacementMoves(unthrottled.gateway, [action('a', [0], [[0]])], {pollMs: 1})
    expect(unthrottled.log.some((l) => l.includes(':SET:'))).toBe(false)
    expect(unthrottled.log.at(-1)).toContain('DELETE:follower.replication.throttled.rate')
  })
})

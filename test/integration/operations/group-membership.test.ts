/**
 * GroupMembership on a real broker: members share a topic's partitions disjointly and completely,
 * rebalance eagerly (onRevoked, then onAssigned in a new generation) when members join or leave,
 * interoperate with kafkajs's consumer in one group (either side leading), commit and fetch
 * offsets (requireStable waits for a transaction that commits the group's offsets), are dropped by
 * the coordinator after their session timeout when they stop without LeaveGroup, and leave nothing
 * running after stop(). The broker's own view (DescribeGroups, decoded with kafkajs's decoder) is
 * the oracle for who holds what.
 */
import {spawn} from 'node:child_process'
import {setTimeout as sleep} from 'node:timers/promises'
import {fileURLToPath} from 'node:url'
import {AssignerProtocol, type Kafka} from 'kafkajs'
import {afterAll, describe, expect, it} from 'vitest'
import {createKjsCluster, type KjsClusterOptions} from '../../../src/cluster/kafkajs-internals.js'
import {TransactionalSession} from '../../../src/cluster/transactional-session.js'
import {jobClientConfig} from '../../../src/operations/connection.js'
import {GroupMembership, ROUND_ROBIN, type GroupMembershipOptions} from '../../../src/operations/group-membership.js'
import {newKafkaJs, singleCluster, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic} from './helpers.js'

const PARTITIONS = 6
const ALL = Array.from({length: PARTITIONS}, (_, i) => i)

interface GroupEvent {
  readonly kind: 'assigned' | 'revoked'
  readonly partitions: readonly number[]
  readonly generationId?: number
  readonly isLeader?: boolean
}

interface Member {
  readonly name: string
  readonly m: GroupMembership
  readonly events: GroupEvent[]
  readonly failures: {err: Error; retriable: boolean}[]
}

type Extra = Partial<Pick<GroupMembershipOptions, 'sessionTimeoutMs' | 'rebalanceTimeoutMs' | 'heartbeatIntervalMs'>>

function member(name: string, groupId: string, topic: string, extra: Extra = {}): Member {
  const events: GroupEvent[] = []
  const failures: {err: Error; retriable: boolean}[] = []
  const m = new GroupMembership({
    connection: connectionOf(), clientId: `it-group-${name}`, groupId, topic,
    sessionTimeoutMs: 20_000, rebalanceTimeoutMs: 10_000, heartbeatIntervalMs: 300, ...extra,
    onAssigned: async (a) => { events.push({kind: 'assigned', partitions: [...a.partitions], generationId: a.generationId, isLeader: a.isLeader}) },
    onRevoked: async (partitions) => { events.push({kind: 'revoked', partitions: [...partitions]}) },
    onFailure: (err, info) => {
      failures.push({err, retriable: info.retriable})
      return 'retry'
    },
  })
  return {name, m, events, failures}
}

async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)
    await sleep(25)
  }
}

/** Every member is in the same generation and together they hold every partition exactly once. */
function settled(members: readonly Member[]): boolean {
  const gens = members.map((x) => x.m.generation()?.generationId)
  if (gens.some((g) => g === undefined) || new Set(gens).size !== 1) return false
  const held = members.flatMap((x) => x.m.assigned())
  return held.length === PARTITIONS && new Set(held).size === PARTITIONS
}

function lastAssigned(x: Member): GroupEvent {
  return x.events.filter((e) => e.kind === 'assigned').at(-1)!
}

/** The coordinator's view: state, protocol and each member's assignment as kafkajs decodes it. */
async function describeGroup(kafka: Kafka, groupId: string, topic: string): Promise<{state: string; protocolType: string; protocol: string; members: Map<string, number[]>}> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const {groups: [g]} = await admin.describeGroups([groupId])
    const members = new Map(g!.members.map((m) => [m.memberId, [...(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [])].sort((a, b) => a - b)]))
    return {state: g!.state, protocolType: g!.protocolType, protocol: g!.protocol, members}
  } finally {
    await admin.disconnect()
  }
}

async function stopAll(members: readonly Member[]): Promise<void> {
  await Promise.all(members.map((x) => x.m.stop().catch(() => {})))
}

describe('GroupMembership on a real cluster', () => {
  const kafka = newKafkaJs()
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {})
  })

  it('shares the partitions disjointly; a third member rebalances everyone eagerly; LeaveGroup rebalances at once', async () => {
    const p = uniquePrefix('group membership share')
    const topic = `${p}t`
    const group = `${p}g`
    await createTopic(kafka, topic, PARTITIONS)
    const a = member('a', group, topic)
    const b = member('b', group, topic)
    const c = member('c', group, topic)
    cleanups.push(() => stopAll([a, b, c]))

    await Promise.all([a.m.start(), b.m.start()])
    await waitUntil('a and b share the topic', () => settled([a, b]))
    expect(a.m.assigned()).toHaveLength(3)
    expect(b.m.assigned()).toHaveLength(3)
    const gen1 = a.m.generation()!.generationId
    expect(lastAssigned(a)).toMatchObject({generationId: gen1, partitions: a.m.assigned()})
    expect(lastAssigned(b)).toMatchObject({generationId: gen1, partitions: b.m.assigned()})
    expect([lastAssigned(a).isLeader, lastAssigned(b).isLeader].filter(Boolean)).toHaveLength(1)
    const view = await describeGroup(kafka, group, topic)
    expect(view).toMatchObject({state: 'Stable', protocolType: 'consumer', protocol: ROUND_ROBIN})
    expect(view.members).toEqual(new Map([[a.m.generation()!.memberId, [...a.m.assigned()]], [b.m.generation()!.memberId, [...b.m.assigned()]]]))

    // A third member: both give up everything (eager), then rejoin in one new generation.
    const before = {a: [...a.m.assigned()], b: [...b.m.assigned()]}
    const marks = {a: a.events.length, b: b.events.length}
    await c.m.start()
    await waitUntil('a, b and c share the topic', () => settled([a, b, c]))
    const gen2 = c.m.generation()!.generationId
    expect(gen2).toBeGreaterThan(gen1)
    for (const [x, mark, held] of [[a, marks.a, before.a], [b, marks.b, before.b]] as const) {
      const since = x.events.slice(mark)
      expect(since[0], x.name).toEqual({kind: 'revoked', partitions: held})
      expect(since.at(-1), x.name).toMatchObject({kind: 'assigned', generationId: gen2})
      // Revoked and assigned alternate: no join without giving up what the last one gave.
      since.forEach((e, i) => expect(e.kind, `${x.name} event ${i}`).toBe(i % 2 === 0 ? 'revoked' : 'assigned'))
    }
    expect([a, b, c].map((x) => x.m.assigned().length)).toEqual([2, 2, 2])
    expect((await describeGroup(kafka, group, topic)).members).toEqual(new Map([a, b, c].map((x) => [x.m.generation()!.memberId, [...x.m.assigned()]])))

    // LeaveGroup: the others rebalance at once, not after c's 20 s session timeout.
    const left = Date.now()
    await c.m.stop()
    expect(c.m.generation()).toBeUndefined()
    expect(c.m.assigned()).toEqual([])
    await waitUntil('a and b share the topic again', () => settled([a, b]), 8000)
    expect(Date.now() - left).toBeLessThan(5000)
    expect(a.m.generation()!.generationId).toBeGreaterThan(gen2)
    expect(c.events.at(-1)?.kind).toBe('assigned') // stop() calls no onRevoked
    expect([...a.failures, ...b.failures, ...c.failures]).toEqual([])
    await stopAll([a, b])
  })

  it('shares one group with a kafkajs consumer (RoundRobinAssigner), whichever of them leads', async () => {
    const p = uniquePrefix('group membership kafkajs')
    const topic = `${p}t`
    const group = `${p}g`
    await createTopic(kafka, topic, PARTITIONS)

    const kafkajsMember = async (): Promise<{stop(): Promise<void>; last(): {partitions: number[]; isLeader: boolean; memberId: string} | undefined}> => {
      const consumer = kafka.consumer({groupId: group, sessionTimeout: 20_000, rebalanceTimeout: 10_000, heartbeatInterval: 300, maxWaitTimeInMs: 100})
      let last: {partitions: number[]; isLeader: boolean; memberId: string} | undefined
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        last = {partitions: [...(e.payload.memberAssignment[topic] ?? [])].sort((x, y) => x - y), isLeader: e.payload.isLeader, memberId: e.payload.memberId}
      })
      const stop = () => consumer.disconnect()
      cleanups.push(stop)
      await consumer.connect()
      await consumer.subscribe({topics: [topic]})
      await consumer.run({autoCommit: false, eachMessage: async () => {}})
      return {stop, last: () => last}
    }
    const together = (ours: Member, theirs: {partitions: number[]; memberId: string} | undefined): boolean => {
      if (!theirs || !ours.m.generation()) return false
      const held = [...ours.m.assigned(), ...theirs.partitions]
      return held.length === PARTITIONS && new Set(held).size === PARTITIONS && ours.m.assigned().length === 3
    }

    // kafkajs first: it leads and assigns to us.
    const first = await kafkajsMember()
    await waitUntil('the kafkajs consumer holds everything', () => first.last()?.partitions.length === PARTITIONS)
    const ours = member('ours', group, topic)
    cleanups.push(() => ours.m.stop())
    await ours.m.start()
    await waitUntil('kafkajs and GroupMembership share the topic', () => together(ours, first.last()))
    expect(first.last()!.isLeader).toBe(true)
    expect(lastAssigned(ours).isLeader).toBe(false)
    await waitUntil('the coordinator sees both assignments', async () => {
      const view = await describeGroup(kafka, group, topic)
      return view.state === 'Stable' && view.members.size === 2
        && JSON.stringify(view.members.get(first.last()!.memberId)) === JSON.stringify(first.last()!.partitions)
        && JSON.stringify(view.members.get(ours.m.generation()!.memberId)) === JSON.stringify(ours.m.assigned())
    })

    // kafkajs leaves: we hold everything; a new kafkajs consumer joins and we lead.
    await first.stop()
    await waitUntil('GroupMembership holds everything', () => ours.m.assigned().length === PARTITIONS)
    const second = await kafkajsMember()
    await waitUntil('GroupMembership and the second kafkajs consumer share the topic', () => together(ours, second.last()))
    expect(lastAssigned(ours).isLeader).toBe(true)
    expect(second.last()!.isLeader).toBe(false)
    expect(second.last()!.partitions).toHaveLength(3)
    expect(ours.failures).toEqual([])
    await second.stop()
    await ours.m.stop()
  })

  it('commits offsets in its generation and fetches them; requireStable waits for a transaction committing the group\'s offsets', async () => {
    const p = uniquePrefix('group membership offsets')
    const topic = `${p}t`
    const group = `${p}g`
    await createTopic(kafka, topic, PARTITIONS)
    const a = member('a', group, topic)
    cleanups.push(() => a.m.stop())
    await a.m.start()
    expect(a.m.assigned()).toEqual(ALL)

    await a.m.commitOffsets([{partition: 0, offset: 5, metadata: 'm0'}, {partition: 3, offset: 7}])
    const fetched = await a.m.fetchCommitted([0, 1, 3])
    expect(fetched.get(0)).toEqual({offset: 5, metadata: 'm0'})
    expect(fetched.get(1)).toEqual({offset: -1, metadata: null})
    // Kafka keeps a null metadata as '' (OffsetAndMetadata.NO_METADATA).
    expect(fetched.get(3)).toEqual({offset: 7, metadata: ''})
    // kafkajs's admin reads the same commits.
    const admin = kafka.admin()
    await admin.connect()
    try {
      const [t] = await admin.fetchOffsets({groupId: group, topics: [topic]})
      expect(t!.partitions.filter((x) => x.partition === 0 || x.partition === 3).sort((x, y) => x.partition - y.partition).map((x) => [x.partition, x.offset])).toEqual([[0, '5'], [3, '7']])
      expect(t!.partitions.find((x) => x.partition === 0)?.metadata).toBe('m0')
    } finally {
      await admin.disconnect()
    }

    const {cluster, sockets} = createKjsCluster(jobClientConfig(connectionOf(), 'it-group-txn') as KjsClusterOptions, () => {})
    cleanups.push(async () => {
      await cluster.disconnect().catch(() => {})
      sockets.shutDown()
    })
    await cluster.connect()
    const session = await TransactionalSession.init(cluster, `${p}tx`, 30_000)

    // A transaction that commits offset 42 of partition 1 for this member's generation (KIP-447), left open.
    session.begin()
    await session.commitOffsets({groupId: group, generation: a.m.generation(), topics: [{topic, partitions: [{partition: 1, offset: 42, metadata: 'txn'}]}]})
    expect((await a.m.fetchCommitted([1], {requireStable: false})).get(1)).toEqual({offset: -1, metadata: null})
    await expect(a.m.fetchCommitted([1], {timeoutMs: 300})).rejects.toThrow(/still open/)
    let done = false
    const stable = a.m.fetchCommitted([0, 1]).finally(() => { done = true })
    await sleep(1200)
    expect(done).toBe(false)
    const ended = Date.now()
    await session.end(true)
    const after = await stable
    expect(Date.now() - ended).toBeLessThan(3000)
    expect(after).toEqual(new Map([[0, {offset: 5, metadata: 'm0'}], [1, {offset: 42, metadata: 'txn'}]]))

    // An aborted one leaves the committed offset as it was.
    session.begin()
    await session.commitOffsets({groupId: group, generation: a.m.generation(), topics: [{topic, partitions: [{partition: 1, offset: 50}]}]})
    const waiting = a.m.fetchCommitted([1])
    await sleep(300)
    await session.end(false)
    expect((await waiting).get(1)).toEqual({offset: 42, metadata: 'txn'})

    await a.m.stop()
    await expect(a.m.commitOffsets([{partition: 0, offset: 6}])).rejects.toThrow(/not a member/)
    await expect(a.m.fetchCommitted([0])).rejects.toThrow(/stopped/)
    expect(a.failures).toEqual([])
  })

  it('a member stopped without LeaveGroup is dropped after its session timeout, not before', async () => {
    const p = uniquePrefix('group membership session')
    const topic = `${p}t`
    const group = `${p}g`
    await createTopic(kafka, topic, PARTITIONS)
    const session = {sessionTimeoutMs: 6000, heartbeatIntervalMs: 500}
    const a = member('a', group, topic, session)
    const b = member('b', group, topic, session)
    cleanups.push(() => stopAll([a, b]))
    await Promise.all([a.m.start(), b.m.start()])
    await waitUntil('a and b share the topic', () => settled([a, b]))
    const gen = a.m.generation()!.generationId

    const crashed = Date.now()
    await b.m.stop({leaveGroup: false})
    expect(b.m.generation()).toBeUndefined()
    // The coordinator still counts b: a keeps its generation and its half.
    await sleep(3500)
    expect(a.m.generation()?.generationId).toBe(gen)
    expect(a.m.assigned()).toHaveLength(3)
    await waitUntil('a holds everything', () => a.m.assigned().length === PARTITIONS, 12_000)
    const dropped = Date.now() - crashed
    // From b's last heartbeat (at most one interval before the stop) plus the coordinator's expiry check.
    expect(dropped).toBeGreaterThan(6000 - 500 - 300)
    expect(dropped).toBeLessThan(6000 + 4000)
    expect(a.m.generation()!.generationId).toBeGreaterThan(gen)
    expect(a.events.slice(-2)).toEqual([{kind: 'revoked', partitions: expect.any(Array)}, expect.objectContaining({kind: 'assigned', partitions: ALL})])
    expect((await describeGroup(kafka, group, topic)).members).toEqual(new Map([[a.m.generation()!.memberId, ALL]]))
    await a.m.stop()
  })

  it('stop() leaves nothing running: the process exits by itself; stopped, it refuses to start again; a caller\'s cluster stays connected', async () => {
    const p = uniquePrefix('group membership stop')
    const topic = `${p}t`
    const group = `${p}g`
    await createTopic(kafka, topic, PARTITIONS)

    // A membership with `connection` in a process of its own, which must end without process.exit.
    const script = `
      const {GroupMembership} = await import(${JSON.stringify(fileURLToPath(new URL('../../../src/operations/group-membership.ts', import.meta.url)))})
      const m = new GroupMembership({connection: {label: 'it', spec: {bootstrap: JSON.parse(process.env.IT_BOOTSTRAP)}}, groupId: process.env.IT_GROUP, topic: process.env.IT_TOPIC,
        sessionTimeoutMs: 6000, heartbeatIntervalMs: 200,
        onAssigned: async (a) => console.log(JSON.stringify({assigned: a.partitions})), onRevoked: async () => {}, onFailure: () => 'retry'})
      await m.start()
      await new Promise((r) => setTimeout(r, 700))
      await m.stop()
      console.log(JSON.stringify({stopped: Date.now(), generation: m.generation() ?? null}))
    `
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, IT_BOOTSTRAP: JSON.stringify(singleCluster().bootstrap), IT_GROUP: `${p}child`, IT_TOPIC: topic},
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exit = await new Promise<{code: number | null; at: number}>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`the child did not exit by itself: ${stdout} ${stderr}`))
      }, 25_000)
      child.on('exit', (code) => {
        clearTimeout(timer)
        resolve({code, at: Date.now()})
      })
    })
    expect(exit.code, stderr).toBe(0)
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as {assigned?: number[]; stopped?: number; generation?: unknown})
    expect(lines[0]).toEqual({assigned: ALL})
    const stopped = lines.find((l) => l.stopped !== undefined)!
    expect(stopped.generation).toBeNull()
    expect(exit.at - stopped.stopped!).toBeLessThan(1500)

    // In this process: stopped, a membership is no member, refuses to start again, and stop() is idempotent.
    const a = member('a', group, topic)
    cleanups.push(() => a.m.stop())
    await a.m.start()
    expect(a.m.generation()).toBeDefined()
    await a.m.stop()
    expect(a.m.generation()).toBeUndefined()
    expect(a.m.assigned()).toEqual([])
    await expect(a.m.start()).rejects.toThrow(/stopped/)
    await a.m.stop()
    const never = member('never', group, topic)
    await never.m.stop()
    await expect(never.m.start()).rejects.toThrow(/stopped/)

    // A caller's cluster: used, never disconnected.
    const {cluster, sockets} = createKjsCluster(jobClientConfig(connectionOf(), 'it-group-own') as KjsClusterOptions, () => {})
    cleanups.push(async () => {
      await cluster.disconnect().catch(() => {})
      sockets.shutDown()
    })
    const events: number[][] = []
    const borrowed = new GroupMembership({cluster, groupId: group, topic, sessionTimeoutMs: 6000, heartbeatIntervalMs: 300,
      onAssigned: async (x) => { events.push([...x.partitions]) }, onRevoked: async () => {}, onFailure: () => 'retry'})
    await borrowed.start()
    expect(events).toEqual([ALL])
    await borrowed.stop()
    expect(cluster.isConnected()).toBe(true)
    expect(borrowed.generation()).toBeUndefined()
    // It left: the group is empty at once.
    const view = await describeGroup(kafka, group, topic)
    expect(view.members.size).toBe(0)
    expect(view.state).toBe('Empty')
  })
})

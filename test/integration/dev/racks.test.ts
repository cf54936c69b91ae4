/**
 * A five-node dev cluster on three racks, on a data dir of its own: nodes 1-3 are the voters,
 * 4-5 broker-only, broker.rack round-robin; Kafka's own tools say so, and Kafka's rack-aware
 * placement spreads a new topic's replicas over the three racks. `dev down` leaves no JVM.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseKafkaRelease, runKafkaTool} from '../../../src/dev/index.js'
import {providedClusters} from '../harness.js'
import {javaPidsUnder, line, streamctl} from './cli.js'

const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-racks-'))
const dataDir = join(dir, 'dev')
const version = providedClusters().kafkaVersion
const tools = parseKafkaRelease(version).tools
let bootstrap = ''

describe('dev up --brokers 5 --racks a,b,c', () => {
  beforeAll(async () => {
    const r = await streamctl(['dev', 'up', '--data-dir', dataDir, '--kafka-version', version, '--brokers', '5', '--racks', 'a,b,c', '--heap', '384m', '--no-registry'], {timeoutMs: 240_000})
    expect(r.code, r.stderr).toBe(0)
    bootstrap = line(r.stdout, 'bootstrap')!
    expect(r.stdout).toContain('node 4: up')
    expect(r.stdout).toMatch(/node 4: up \(pid \d+\) {2}broker-only {2}rack a/)
  }, 300_000)

  afterAll(async () => {
    await streamctl(['dev', 'reset', '--data-dir', dataDir])
    for (const pid of javaPidsUnder(dir)) process.kill(pid, 'SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  })

  it('five brokers, three voters, racks a b c a b, as Kafka\'s tools report them', async () => {
    expect(bootstrap.split(',')).toHaveLength(5)
    const quorum = await runKafkaTool(version, tools.quorum, ['--bootstrap-server', bootstrap.split(',')[0]!, 'describe', '--replication'], {timeoutMs: 60_000})
    expect(quorum.code, quorum.stderr).toBe(0)
    const roles = new Map(quorum.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)).map((cols) => [Number(cols[0]), cols[cols.length - 1]!]))
    expect([...roles.keys()].sort()).toEqual([1, 2, 3, 4, 5])
    expect([1, 2, 3].map((id) => roles.get(id))).toEqual(expect.arrayContaining(['Leader']))
    expect([1, 2, 3].every((id) => /Leader|Follower/.test(roles.get(id)!))).toBe(true)
    expect([4, 5].map((id) => roles.get(id))).toEqual(['Observer', 'Observer'])
    const racks: string[] = []
    for (const id of [1, 2, 3, 4, 5]) {
      const r = await runKafkaTool(version, tools.configs, ['--bootstrap-server', bootstrap.split(',')[0]!, '--describe', '--entity-type', 'brokers', '--entity-name', String(id), '--all'], {timeoutMs: 60_000})
      expect(r.code, r.stderr).toBe(0)
      racks.push(/^\s*broker\.rack=(\S+)/m.exec(r.stdout)?.[1] ?? '')
    }
    expect(racks).toEqual(['a', 'b', 'c', 'a', 'b'])
  })

  it('a new RF-3 topic gets one replica per rack in every partition (Kafka\'s own rack-aware placement)', async () => {
    const rackOf = new Map([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'a'], [5, 'b']])
    const create = await runKafkaTool(version, tools.topics, ['--bootstrap-server', bootstrap.split(',')[0]!, '--create', '--topic', 'racked', '--partitions', '10', '--replication-factor', '3'], {timeoutMs: 60_000})
    expect(create.code, create.stderr).toBe(0)
    const d = await runKafkaTool(version, tools.topics, ['--bootstrap-server', bootstrap.split(',')[0]!, '--describe', '--topic', 'racked'], {timeoutMs: 60_000})
    const replicas = [...d.stdout.matchAll(/Replicas: ([\d,]+)/g)].map((m) => m[1]!.split(',').map(Number))
    expect(replicas).toHaveLength(10)
    for (const r of replicas) expect(new Set(r.map((b) => rackOf.get(b))).size).toBe(3)
    // Every broker holds some replica: the broker-only nodes take data too.
    expect(new Set(replicas.flat()).size).toBe(5)
  })

  it('refuses other racks for the existing cluster, and down leaves no JVM', async () => {
    const again = await streamctl(['dev', 'up', '--data-dir', dataDir, '--racks', 'x,y'])
    expect(again.code).not.toBe(0)
    expect(again.stderr).toMatch(/racks a,b,c \(asked: --racks x,y\)/)
    const down = await streamctl(['dev', 'down', '--data-dir', dataDir])
    expect(down.code, down.stderr).toBe(0)
    expect(javaPidsUnder(dir)).toEqual([])
  })
})

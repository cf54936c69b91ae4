/**
 * The CLI cycle on a cluster of its own: dev up → status → down → status → up (same cluster, data
 * kept) → kill -9 mid-write → up (every acked record kept) → mismatches refused → reset.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {providedClusters} from '../harness.js'
import {javaPidsUnder, line, streamctl} from './cli.js'

const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-lifecycle-'))
const dataDir = join(dir, 'dev')
const version = providedClusters().kafkaVersion
let bootstrap: string[] = []
let clusterId = ''

const kafka = () => new Kafka({clientId: 'it-lifecycle', brokers: bootstrap, logLevel: logLevel.NOTHING, retry: {retries: 3}})

/** Reads until `expected` values (a count, or every one of a list) were seen, or 20 s passed. */
async function readAll(topic: string, expected: number | readonly string[]): Promise<string[]> {
  // A count is not enough after a crash: records that were written but never acknowledged are in
  // the log too, so the count can be reached before the last acknowledged ones are read.
  const wanted = typeof expected === 'number' ? undefined : new Set(expected)
  const done = (seen: string[]): boolean => (wanted ? wanted.size === 0 : seen.length >= (expected as number))
  const consumer = kafka().consumer({groupId: `it-lifecycle-${Date.now()}`, maxWaitTimeInMs: 200})
  const seen: string[] = []
  await consumer.connect()
  try {
    await consumer.subscribe({topic, fromBeginning: true})
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => resolve(), 20_000)
      consumer.run({eachMessage: async ({message}) => {
        const value = message.value!.toString()
        seen.push(value)
        wanted?.delete(value)
        if (done(seen)) { clearTimeout(t); resolve() }
      }}).catch(reject)
    })
  } finally {
    await consumer.disconnect()
  }
  return seen
}

describe('dev up / status / down / up / reset', () => {
  beforeAll(async () => {
    const r = await streamctl(['dev', 'up', '--data-dir', dataDir, '--kafka-version', version, '--no-registry'])
    expect(r.code, r.stderr).toBe(0)
    bootstrap = line(r.stdout, 'bootstrap')!.split(',')
    clusterId = line(r.stdout, 'cluster-id')!
  })

  afterAll(async () => {
    await streamctl(['dev', 'reset', '--data-dir', dataDir])
    for (const pid of javaPidsUnder(dir)) process.kill(pid, 'SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  })

  it('prints bootstrap and cluster-id lines that point at a working cluster', async () => {
    expect(bootstrap).toHaveLength(1)
    expect(bootstrap[0]).toMatch(/^127\.0\.0\.1:\d+$/)
    const admin = kafka().admin()
    await admin.connect()
    expect((await admin.describeCluster()).clusterId).toBe(clusterId)
    await admin.disconnect()
    const st = await streamctl(['dev', 'status', '--data-dir', dataDir])
    expect(st.code).toBe(0)
    expect(st.stdout).toMatch(/^node 1: up \(pid \d+\)/m)
    expect(line(st.stdout, 'bootstrap')).toBe(bootstrap.join(','))
    expect(line(st.stdout, 'cluster-id')).toBe(clusterId)
    const again = await streamctl(['dev', 'up', '--data-dir', dataDir])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('already running')
  })

  it('keeps data across down / up, and status exits 1 while down', async () => {
    const producer = kafka().producer()
    await producer.connect()
    await producer.send({topic: 'it.survives', acks: -1, messages: [{value: 'a'}, {value: 'b'}, {value: 'c'}]})
    await producer.disconnect()
    const down = await streamctl(['dev', 'down', '--data-dir', dataDir])
    expect(down.code, down.stderr).toBe(0)
    expect(down.stdout).toMatch(/node 1: (stopped|killed)/)
    expect(javaPidsUnder(dir)).toEqual([])
    const st = await streamctl(['dev', 'status', '--data-dir', dataDir])
    expect(st.code).toBe(1)
    expect(st.stdout).toMatch(/^node 1: down/m)
    const up = await streamctl(['dev', 'up', '--data-dir', dataDir])
    expect(up.code, up.stderr).toBe(0)
    expect(line(up.stdout, 'cluster-id')).toBe(clusterId)
    expect(line(up.stdout, 'bootstrap')).toBe(bootstrap.join(','))
    expect(await readAll('it.survives', 3)).toEqual(['a', 'b', 'c'])
  })

  it('kill -9 mid-write with acks=all: after dev up every acknowledged record is there', async () => {
    const admin = kafka().admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'it.crash', numPartitions: 2}], waitForLeaders: true})
    await admin.disconnect()
    const producer = kafka().producer({retry: {retries: 0}})
    await producer.connect()
    const acked: string[] = []
    let stop = false
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const batch = Array.from({length: 20}, (_, j) => ({value: `r${i}-${j}`}))
        try {
          await producer.send({topic: 'it.crash', acks: -1, messages: batch})
          acked.push(...batch.map((m) => m.value))
        } catch {
          return
        }
      }
    })()
    await new Promise((r) => setTimeout(r, 1500))
    const pid = Number(/node 1: up \(pid (\d+)\)/.exec((await streamctl(['dev', 'status', '--data-dir', dataDir])).stdout)![1])
    process.kill(pid, 'SIGKILL')
    await writer
    stop = true
    await producer.disconnect().catch(() => undefined)
    expect(acked.length).toBeGreaterThan(0)
    const up = await streamctl(['dev', 'up', '--data-dir', dataDir])
    expect(up.code, up.stderr).toBe(0)
    const seen = new Set(await readAll('it.crash', acked))
    const lost = acked.filter((v) => !seen.has(v))
    expect(lost).toEqual([])
  })

  it('refuses a port taken by someone else, and leaves no JVM behind', async () => {
    expect((await streamctl(['dev', 'down', '--data-dir', dataDir])).code).toBe(0)
    const port = Number(bootstrap[0]!.split(':')[1])
    const squatter: Server = createServer()
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', () => r()))
    try {
      const r = await streamctl(['dev', 'up', '--data-dir', dataDir])
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`port 127.0.0.1:${port}`)
      expect(r.stderr).toContain('already in use')
      expect(r.stderr).toContain('hint:')
      expect(javaPidsUnder(dir)).toEqual([])
    } finally {
      await new Promise<void>((r) => squatter.close(() => r()))
    }
  })

  it('refuses another Kafka version, broker count or cluster id in the same data dir', async () => {
    const other = version.startsWith('3.') ? '4.4.0' : '3.9.1'
    const v = await streamctl(['dev', 'up', '--data-dir', dataDir, '--kafka-version', other])
    expect(v.code).toBe(1)
    expect(v.stderr).toContain(`created with Kafka ${version} (asked: ${other})`)
    const b = await streamctl(['dev', 'up', '--data-dir', dataDir, '--brokers', '3'])
    expect(b.code).toBe(1)
    expect(b.stderr).toContain('1 broker(s) (asked: 3)')
    const stateFile = join(dataDir, 'state.json')
    const original = readFileSync(stateFile, 'utf8')
    writeFileSync(stateFile, original.replace(clusterId, 'AAAAAAAAAAAAAAAAAAAAAA'))
    try {
      const c = await streamctl(['dev', 'up', '--data-dir', dataDir])
      expect(c.code).toBe(1)
      expect(c.stderr).toContain(`storage belongs to cluster ${clusterId}`)
      expect(c.stderr).toContain('hint:')
    } finally {
      writeFileSync(stateFile, original)
    }
    expect(javaPidsUnder(dir)).toEqual([])
  })

  it('logs shows the tail of the node log; reset wipes everything', async () => {
    const logs = await streamctl(['dev', 'logs', '--data-dir', dataDir, '--tail', '5'])
    expect(logs.code).toBe(0)
    expect(logs.stdout.trim().split('\n').length).toBeLessThanOrEqual(5)
    expect(logs.stdout).toMatch(/\[\d{4}-\d\d-\d\d/)
    const reset = await streamctl(['dev', 'reset', '--data-dir', dataDir])
    expect(reset.code).toBe(0)
    expect(existsSync(dataDir)).toBe(false)
    const st = await streamctl(['dev', 'status', '--data-dir', dataDir])
    expect(st.code).toBe(1)
    expect(st.stderr).toContain('no dev cluster')
  })
})

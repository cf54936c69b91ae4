import {spawn, type ChildProcess} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {fileURLToPath} from 'node:url'
import {Partitioners, type Kafka} from 'kafkajs'
import type {JobConnection} from '../../../src/operations/connection.js'
import type {InputRecord} from '../../../src/operations/record.js'
import {singleCluster, type TestCluster} from '../harness.js'

export function connectionOf(c: TestCluster = singleCluster()): JobConnection {
  return {label: `${c.name} cluster`, spec: c.connection}
}

export interface TestRecord {
  key: string | null
  value: string
  partition?: number
  headers?: Record<string, string>
}

export async function createTopic(kafka: Kafka, topic: string, partitions: number, config: Record<string, string> = {}): Promise<void> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({waitForLeaders: true, topics: [{topic, numPartitions: partitions, configEntries: Object.entries(config).map(([name, value]) => ({name, value}))}]})
  } finally {
    await admin.disconnect()
  }
}

export async function produce(kafka: Kafka, topic: string, records: readonly TestRecord[]): Promise<void> {
  const p = kafka.producer({createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1})
  await p.connect()
  try {
    for (let i = 0; i < records.length; i += 500) await p.send({topic, acks: -1, messages: records.slice(i, i + 500).map((r) => ({...r}))})
  } finally {
    await p.disconnect()
  }
}

/** A record as kafkajs's consumer hands it: headers as a map (see fidelity.test.ts for exact header lists). */
export type ReadRecord = Omit<InputRecord, 'headers'> & {readonly headers: Readonly<Record<string, Buffer | undefined>>}

/**
 * Every committed record of the topic (read_committed), in partition/offset order, read by kafkajs's
 * own consumer: an implementation independent of the job runtime's fetcher checks what jobs wrote.
 */
export async function readAll(kafka: Kafka, topic: string): Promise<ReadRecord[]> {
  const admin = kafka.admin()
  await admin.connect()
  const groupId = `it-read-${randomUUID()}`
  const consumer = kafka.consumer({groupId, readUncommitted: false, maxWaitTimeInMs: 200, allowAutoTopicCreation: false})
  const out: ReadRecord[] = []
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]))
    const remaining = new Set([...ends].filter(([, high]) => high > 0).map(([p]) => p))
    let settle!: (err?: unknown) => void
    const done = new Promise<void>((resolve, reject) => { settle = (err) => (err ? reject(err) : resolve()) })
    const reached = (p: number, next: number): void => {
      if (next >= (ends.get(p) ?? 0)) remaining.delete(p)
      if (remaining.size === 0) settle()
    }
    if (remaining.size === 0) return out
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => reached(e.payload.partition, Number(e.payload.lastOffset) + 1))
    consumer.on(consumer.events.CRASH, (e) => { if (!e.payload.restart) settle(e.payload.error) })
    await consumer.connect()
    await consumer.subscribe({topic, fromBeginning: true})
    await consumer.run({autoCommit: false, eachBatch: async ({batch}) => {
      const end = ends.get(batch.partition) ?? 0
      for (const m of batch.messages) {
        if (Number(m.offset) >= end) break
        out.push({topic, partition: batch.partition, offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value ?? null, headers: (m.headers ?? {}) as ReadRecord['headers']})
      }
    }})
    await done
  } finally {
    await consumer.disconnect().catch(() => {})
    await admin.deleteGroups([groupId]).catch(() => {})
    await admin.disconnect().catch(() => {})
  }
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset)
}

export function multiset(items: readonly string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1)
  return m
}

/** How a spawnJob child ended, with everything it printed. */
export interface JobExit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

const CHILD = fileURLToPath(new URL('./job-child.ts', import.meta.url))

/** Runs a job in a child process (for kill -9 and SIGTERM tests); progress events arrive as JSON lines. */
export function spawnJob(args: Record<string, unknown>, onLine: (event: Record<string, unknown>) => void, env: Record<string, string> = {}): {child: ChildProcess; exited: Promise<JobExit>} {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], {stdio: ['ignore', 'pipe', 'pipe'], cwd: process.cwd(), env: {...process.env, ...env}})
  let stdout = ''
  let stderr = ''
  let buf = ''
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString()
    buf += d.toString()
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + 1)
      try {
        onLine(JSON.parse(line) as Record<string, unknown>)
      } catch {
        // not an event line
      }
    }
  })
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}>((resolve) => {
    child.on('exit', (code, signal) => resolve({code, signal, stdout, stderr}))
  })
  return {child, exited}
}

import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {librdkafkaProps, run} from '../dev/clients.js'
import {kafkaTool, newKafkaJs, pythonBin, singleCluster, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, multiset, produce, spawnJob, type JobExit} from './helpers.js'

/**
 * Zombie fencing with one transactional producer per process (EOS v2, KIP-447): process A of a
 * job is paused (SIGSTOP) while its one transaction is open, the group drops it and hands every
 * partition to process B, then A resumes: its commit carries the generation it had, the group
 * coordinator refuses it, and A aborts. An independent reader (confluent-kafka, read_committed)
 * then finds every input record in the output exactly once.
 */
const TRANSACTIONS_TOOL = 'org.apache.kafka.tools.TransactionsCommand'
const THROTTLED_COPY = fileURLToPath(new URL('./fixtures/throttled-copy.mjs', import.meta.url))
const N = 6000

/** Every record of `topic` up to its last stable offset, read_committed, by librdkafka. */
const READ_COMMITTED = `
import json, sys
from confluent_kafka import Consumer, TopicPartition
props = json.loads(sys.argv[1]); topic = sys.argv[2]
c = Consumer({**props, 'group.id': 'py-rc-' + topic, 'isolation.level': 'read_committed', 'enable.partition.eof': True, 'enable.auto.commit': False, 'auto.offset.reset': 'earliest'})
parts = c.list_topics(topic, timeout=10).topics[topic].partitions
c.assign([TopicPartition(topic, p, 0) for p in parts])
left = set(parts)
out = []
import time
deadline = time.time() + 60
while left and time.time() < deadline:
    m = c.poll(1.0)
    if m is None: continue
    if m.error():
        if m.error().code() == -191: left.discard(m.partition()); continue
        print('consume error:', m.error(), file=sys.stderr); sys.exit(4)
    out.append(m.value().decode())
c.close()
if left: print('not at the end of', sorted(left), file=sys.stderr); sys.exit(5)
print(json.dumps(out))
`

async function ongoingTransactions(prefix: string): Promise<string[]> {
  const r = await kafkaTool(TRANSACTIONS_TOOL, ['list'])
  expect(r.code, r.stderr).toBe(0)
  // Columns: TransactionalId Coordinator ProducerId TransactionState
  return r.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((c) => c[0]!.startsWith(prefix) && c[3] === 'Ongoing').map((c) => c[0]!)
}

describe('zombie fencing of the process-wide transaction', () => {
  const kafka = newKafkaJs()

  it('a paused process holding an open transaction resumes after the group moved on: its commit is refused, and the output holds every record once', {timeout: 240_000}, async () => {
    const p = uniquePrefix('zombie')
    const from = `${p}in`
    const to = `${p}out`
    const job = `${p}job`
    await createTopic(kafka, from, 6)
    await createTopic(kafka, to, 6)
    const input = Array.from({length: N}, (_, n) => ({key: `k${n % 31}`, value: JSON.stringify({n, pad: 'p'.repeat(100)})}))
    await produce(kafka, from, input)
    const conn = connectionOf()
    // Slow and in small chunks, so a transaction is open most of the time and the job runs for a while.
    const args = {kind: 'migrate', from, to, source: conn, target: conn, job, transformModule: THROTTLED_COPY, maxBytesPerPartition: 8 << 10, follow: true}
    const lines = {a: [] as string[], b: [] as string[]}
    let aRead = 0
    let bProgress: {read: number; lag: number; partitionsAssigned: number} | undefined
    const a = spawnJob(args, (e) => {
      if (e.type === 'status') lines.a.push(String(e.message))
      if (e.type === 'progress') aRead = Number(e.read)
    })
    const b: {child?: ReturnType<typeof spawnJob>} = {}
    const results: Promise<JobExit>[] = [a.exited]
    try {
      for (const until = Date.now() + 60_000; aRead === 0; await sleep(100)) if (Date.now() > until) throw new Error('process A committed nothing in 60 s')
      // Pause A while its transaction is open (Kafka's own tool says so).
      let zombieId: string | undefined
      for (let attempt = 0; attempt < 20 && !zombieId; attempt++) {
        a.child.kill('SIGSTOP')
        const open = await ongoingTransactions(`streamctl-${job}-`)
        if (open.length === 1) zombieId = open[0]
        else {
          a.child.kill('SIGCONT')
          await sleep(150)
        }
      }
      expect(zombieId, 'A was never caught with its transaction open').toBeDefined()
      const readByA = aRead
      expect(readByA).toBeLessThan(N)

      // B joins; the group drops A after its session timeout and gives B every partition.
      b.child = spawnJob(args, (e) => {
        if (e.type === 'status') lines.b.push(String(e.message))
        if (e.type === 'progress') bProgress = e as unknown as typeof bProgress
      })
      results.push(b.child.exited)
      const everything = (): boolean => bProgress !== undefined && bProgress.partitionsAssigned === 6 && bProgress.lag === 0 && bProgress.read >= N - readByA
      for (const until = Date.now() + 120_000; !everything(); await sleep(200)) if (Date.now() > until) throw new Error(`B did not take over and finish: ${JSON.stringify(bProgress)}; ${lines.b.slice(-5).join(' | ')}`)
      // A is still paused, its transaction still open (transaction.timeout.ms is 60 s).
      expect(await ongoingTransactions(`streamctl-${job}-`)).toContain(zombieId)

      a.child.kill('SIGCONT')
      // A's first commit after it resumes is refused (judged after the output, which says what a commit taken would do).
      for (const until = Date.now() + 30_000; !lines.a.some((l) => /a commit was refused/.test(l)) && Date.now() < until;) await sleep(200)
      // Let both settle (A rejoins, the group shares the partitions), then stop them.
      await sleep(3000)
    } finally {
      a.child.kill('SIGCONT')
      a.child.kill('SIGTERM')
      b.child?.child.kill('SIGTERM')
    }
    const [ea, eb] = await Promise.all(results)
    expect(ea!.code, ea!.stderr).toBe(0)
    expect(eb!.code, eb!.stderr).toBe(0)

    const read = await run(pythonBin(), ['-c', READ_COMMITTED, JSON.stringify(librdkafkaProps(singleCluster())), to], {timeoutMs: 120_000})
    expect(read.code, read.stderr).toBe(0)
    const values = JSON.parse(read.stdout) as string[]
    expect(values).toHaveLength(N)
    expect(multiset(values)).toEqual(multiset(input.map((r) => r.value)))
    expect(lines.a.find((l) => /a commit was refused/.test(l)), lines.a.slice(-8).join(' | ')).toMatch(/UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION/)
  })
})

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {migrate} from '../../../src/operations/migrate.js'
import {hasSecureCluster, newKafkaJs, secureCluster, singleCluster, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, multiset, produce, readAll, spawnJob} from './helpers.js'

/** Slows the copy so that the kill lands half-way through, however fast the runtime is. */
const THROTTLED_COPY = fileURLToPath(new URL('./fixtures/throttled-copy.mjs', import.meta.url))

const N = 12_000

describe.skipIf(!hasSecureCluster())('cross-cluster migrate (single PLAINTEXT → three-broker SASL_SSL)', () => {
  it('kill -9 half-way, rerun: the target holds every source record exactly once (positions checkpointed in the target)', async () => {
    const p = uniquePrefix('cross cluster')
    const from = `${p}in`
    const to = `${p}out`
    const source = newKafkaJs(singleCluster())
    const target = newKafkaJs(secureCluster())
    await createTopic(source, from, 3, {'retention.ms': '7200000'})
    const input = Array.from({length: N}, (_, n) => ({key: `k${n % 31}`, value: JSON.stringify({n, pad: 'q'.repeat(120)})}))
    await produce(source, from, input)
    const src = connectionOf(singleCluster())
    const dst = connectionOf(secureCluster())
    const password = secureCluster().adminCredentials!.password
    let killedAt = 0
    const {child, exited} = spawnJob({kind: 'migrate', from, to, source: src, target: dst, job: `${p}job`, transformModule: THROTTLED_COPY}, (e) => {
      if (e.type === 'progress' && Number(e.read) >= N / 4 && killedAt === 0) {
        killedAt = Number(e.read)
        child.kill('SIGKILL')
      }
    }, {JOB_CHILD_SASL_PASSWORD: password})
    const first = await exited
    expect(first.signal, first.stderr).toBe('SIGKILL')
    expect(first.stdout + first.stderr).not.toContain(password)

    // The same definition (its transform module included), or the rerun is refused as another job.
    const rerun = await migrate({from, to, source: src, target: dst, job: `${p}job`, transformModule: THROTTLED_COPY})
    expect(rerun).toMatchObject({outcome: 'completed', crossCluster: true, targetCreated: false})
    expect(rerun.read).toBeLessThan(N)
    expect(JSON.stringify(rerun)).not.toContain(password)

    const out = await readAll(target, to)
    expect(out).toHaveLength(N)
    expect(multiset(out.map((r) => `${r.key!.toString()}|${r.value!.toString()}`))).toEqual(multiset(input.map((r) => `${r.key}|${r.value}`)))

    // The target was created with the source's partition count (RF copied, capped at the target's broker count).
    const admin = target.admin()
    await admin.connect()
    const meta = await admin.fetchTopicMetadata({topics: [to]})
    await admin.disconnect()
    expect(meta.topics[0]!.partitions).toHaveLength(3)

    // A third run finds nothing to do: the checkpoint in the target says so.
    const again = await migrate({from, to, source: src, target: dst, job: `${p}job`, transformModule: THROTTLED_COPY})
    expect(again.read).toBe(0)
  })
})

/** kcat and the confluent-kafka Python client (librdkafka) against the dev clusters. */
import {execFileSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import {createTopicsAndWait, hasSecureCluster, kcatBin, kcatMissing, pythonBin, secureCluster, singleCluster, uniquePrefix, type TestCluster} from '../harness.js'
import {PYTHON_ROUND_TRIP, kcatArgs, librdkafkaProps, run} from './clients.js'

async function createTopic(c: TestCluster, topic: string): Promise<void> {
  await createTopicsAndWait(c, [{topic, numPartitions: 1, replicationFactor: Math.min(3, c.brokers)}])
}

/**
 * librdkafka before 2.6.1 appends its nonce twice in the SCRAM client-final message; Kafka 4.x
 * checks the nonce strictly (RFC 5802) and rejects it as "invalid credentials"
 * (confluentinc/librdkafka#4895, edenhill/kcat#462). Debian 12's kcat links librdkafka 2.0.2, so
 * kcat's SCRAM cases only run where that bug is absent; the Python client bundles a fixed one.
 */
function kcatScramBroken(kafkaVersion: string): string | undefined {
  const kcat = kcatBin()
  if (!kcat) return undefined
  const out = execFileSync(kcat, ['-V'], {encoding: 'utf8'})
  const v = /librdkafka (\d+)\.(\d+)\.(\d+)/.exec(out)
  const n = v ? Number(v[1]) * 10_000 + Number(v[2]) * 100 + Number(v[3]) : 0
  return kafkaVersion.startsWith('3.') || n >= 20_601 ? undefined : `kcat links librdkafka ${v?.slice(1).join('.') ?? '?'} (SCRAM nonce bug, fixed in 2.6.1)`
}

function clientTests(name: string, cluster: () => TestCluster, scram = false) {
  const c0 = scram && hasSecureCluster() ? secureCluster() : undefined
  const kcatSkip = kcatMissing() ?? (c0 ? kcatScramBroken(c0.kafkaVersion) : undefined)
  it.skipIf(kcatSkip !== undefined)(`${name}: kcat produces and consumes${kcatSkip ? ` — skipped: ${kcatSkip}` : ''}`, async () => {
    const c = cluster()
    const topic = `${uniquePrefix(`kcat ${name}`)}t`
    await createTopic(c, topic)
    const p = await run(kcatBin()!, [...kcatArgs(c), '-t', topic, '-P', '-K', ':'], {input: 'k1:v1\nk2:v2\nk3:v3\n'})
    expect(p.code, p.stderr).toBe(0)
    const r = await run(kcatBin()!, [...kcatArgs(c), '-t', topic, '-C', '-o', 'beginning', '-e', '-q', '-f', '%k=%s\\n'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim().split('\n')).toEqual(['k1=v1', 'k2=v2', 'k3=v3'])
  })

  it(`${name}: confluent-kafka (Python) produces with acks=all and consumes`, async () => {
    const c = cluster()
    const topic = `${uniquePrefix(`py ${name}`)}t`
    await createTopic(c, topic)
    const r = await run(pythonBin(), ['-c', PYTHON_ROUND_TRIP, JSON.stringify(librdkafkaProps(c)), topic, 'a,b,c,d'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe('a,b,c,d')
  })
}

describe('third-party clients', () => {
  clientTests('single node PLAINTEXT', singleCluster)
  describe.skipIf(!hasSecureCluster())('secure', () => {
    clientTests('secure SASL_SSL SCRAM-SHA-512', secureCluster, true)

    it('confluent-kafka with a wrong password fails cleanly and quickly', async () => {
      const c = secureCluster()
      const t0 = Date.now()
      const props = {...librdkafkaProps(c, {username: 'admin', password: 'wrong'}), 'socket.timeout.ms': '5000', 'message.timeout.ms': '5000'}
      const r = await run(pythonBin(), ['-c', PYTHON_ROUND_TRIP, JSON.stringify(props), `${uniquePrefix('py wrong')}t`, 'x'])
      expect(r.code).toBe(3)
      expect(r.stderr).toMatch(/Authentication failed|SASL authentication error|Authentication failure/i)
      expect(Date.now() - t0).toBeLessThan(30_000)
    })
  })
})

/**
 * A job whose principal lacks an ACL stops at once, naming the refusal, with a hint to grant it —
 * never retried until the outage budget runs out, since Kafka answers the same way on every try —
 * and writes nothing: first its consumer group, then its output topic. Once the grants are in, the
 * same job runs to completion. On the secure
 * three-broker cluster, as a SCRAM user created for the test; Kafka's AclCommand does the grants.
 */
import {randomBytes} from 'node:crypto'
import {describe, expect, it} from 'vitest'
import {Secret} from '../../../src/model/secret.js'
import {migrate} from '../../../src/operations/migrate.js'
import type {JobConnection} from '../../../src/operations/connection.js'
import {createTopicsAndWait, hasSecureCluster, kafkaTool, newKafkaJs, secureCluster, uniquePrefix} from '../harness.js'
import {produce, readAll} from './helpers.js'

describe.skipIf(!hasSecureCluster())('a job without the ACLs it needs (secure cluster)', () => {
  it('stops at the first refusal with the ACL hint, writes nothing, and completes once granted', async () => {
    const c = secureCluster()
    const p = uniquePrefix('job acl')
    const from = `${p}in`
    const to = `${p}out`
    const job = `${p}job`
    const user = `it-job-${randomBytes(3).toString('hex')}`
    const password = randomBytes(12).toString('hex')
    const add = await kafkaTool('configs', ['--alter', '--entity-type', 'users', '--entity-name', user, '--add-config', `SCRAM-SHA-512=[password=${password}]`], {cluster: c})
    expect(add.code, add.stderr).toBe(0)
    await createTopicsAndWait(c, [{topic: from, numPartitions: 3, replicationFactor: 3}, {topic: to, numPartitions: 3, replicationFactor: 3}])
    const admin = newKafkaJs(c)
    await produce(admin, from, Array.from({length: 300}, (_, i) => ({key: `k${i}`, value: `v${i}`})))

    const acl = async (...args: string[]) => {
      const r = await kafkaTool('acls', ['--add', '--allow-principal', `User:${user}`, ...args], {cluster: c})
      expect(r.code, r.stderr).toBe(0)
    }
    // Everything a migrate needs except WRITE on its output topic.
    await acl('--operation', 'All', '--topic', from)
    await acl('--operation', 'Describe', '--operation', 'DescribeConfigs', '--topic', to)
    // The group is not the job's name but streamctl-job-<job>: this grant misses it.
    await acl('--operation', 'All', '--group', job)
    await acl('--operation', 'All', '--transactional-id', '*')
    await acl('--operation', 'IdempotentWrite', '--cluster')

    const conn: JobConnection = {label: 'secure cluster', spec: {...c.connection, sasl: {mechanism: 'scram-sha-512', username: user, password: new Secret(password, 'env:IT_JOB_PASSWORD')}}}
    // A fresh SCRAM credential reaches every broker through the metadata log: the first login may lag.
    await new Promise((r) => setTimeout(r, 1500))
    const g0 = Date.now()
    const groupErr = await migrate({from, to, source: conn, target: conn, job}).then(() => undefined, (e: unknown) => e as Error & {hint?: string})
    expect(groupErr?.message).toContain(`may not use its consumer group streamctl-job-${job}`)
    expect(groupErr?.message).toContain('GROUP_AUTHORIZATION_FAILED')
    expect(groupErr?.hint).toMatch(/lacks an ACL.*READ on group streamctl-job-/)
    expect(Date.now() - g0).toBeLessThan(15_000)
    await acl('--operation', 'All', '--group', `streamctl-job-${job}`)
    await new Promise((r) => setTimeout(r, 1500))

    const t0 = Date.now()
    const err = await migrate({from, to, source: conn, target: conn, job}).then(() => undefined, (e: unknown) => e as Error & {hint?: string})
    const ms = Date.now() - t0
    expect(err, 'the job ran without WRITE on its output').toBeDefined()
    expect(err!.message).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i)
    expect(err!.message).toContain(job)
    expect(err!.hint).toMatch(/lacks an ACL/)
    expect(err!.message + (err!.hint ?? '')).not.toContain(password)
    // Not retried: well inside the one-minute outage budget.
    expect(ms).toBeLessThan(30_000)
    expect(await readAll(admin, to)).toEqual([])

    await acl('--operation', 'Write', '--topic', to)
    // ACLs reach every broker through the metadata log too.
    await new Promise((r) => setTimeout(r, 1500))
    const report = await migrate({from, to, source: conn, target: conn, job})
    expect(report).toMatchObject({outcome: 'completed', read: 300, written: 300})
    expect((await readAll(admin, to)).map((r) => r.value!.toString()).sort()).toEqual(Array.from({length: 300}, (_, i) => `v${i}`).sort())
    console.info(`job without WRITE on its output: refused after ${ms} ms`)
  }, 120_000)
})

/**
 * The --secure cluster: SCRAM logins over both client listeners, a wrong password rejected
 * quickly, and a user without ACLs denied until Kafka's AclCommand grants it access.
 */
import {randomBytes} from 'node:crypto'
import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {devKafkaJsConfig} from '../../../src/dev/index.js'
import {Secret} from '../../../src/model/secret.js'
import type {KafkaConnectionSpec} from '../../../src/model/environment.js'
import {createTopicsAndWait, hasSecureCluster, kafkaTool, newKafkaJs, secureCluster, uniquePrefix} from '../harness.js'

function as(conn: KafkaConnectionSpec, username: string, password: string): Kafka {
  const cfg = devKafkaJsConfig({...conn, sasl: {mechanism: 'scram-sha-512', username, password: new Secret(password, 'test')}}, 'it-secure')
  return new Kafka({...cfg, logLevel: logLevel.NOTHING, retry: {retries: 0}})
}

async function withAdmin<T>(k: Kafka, f: (a: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const a = k.admin()
  await a.connect()
  try { return await f(a) } finally { await a.disconnect() }
}

describe.skipIf(!hasSecureCluster())('secure dev cluster', () => {
  it('admin logs in with SCRAM-SHA-512 over SASL_SSL and SASL_PLAINTEXT', async () => {
    const c = secureCluster()
    for (const conn of [c.connection, c.saslPlaintext!.connection]) {
      const info = await withAdmin(newKafkaJs({...c, connection: conn}), (a) => a.describeCluster())
      expect(info.clusterId).toBe(c.clusterId)
      expect(info.brokers).toHaveLength(3)
    }
  })

  it('a wrong password fails with an authentication error, quickly', async () => {
    const c = secureCluster()
    for (const conn of [c.connection, c.saslPlaintext!.connection]) {
      const t0 = Date.now()
      const err = await withAdmin(as(conn, 'admin', 'not-the-password'), (a) => a.describeCluster()).then(() => undefined, (e: unknown) => e as Error)
      expect(err?.name).toBe('KafkaJSSASLAuthenticationError')
      expect(Date.now() - t0).toBeLessThan(15_000)
    }
  })

  it('a user without ACLs is denied; AclCommand grants write; Kafka tools agree', async () => {
    const c = secureCluster()
    const prefix = uniquePrefix('secure acl')
    const topic = `${prefix}t`
    const user = `it-${randomBytes(3).toString('hex')}`
    const password = randomBytes(12).toString('hex')
    const add = await kafkaTool('configs', ['--alter', '--entity-type', 'users', '--entity-name', user, '--add-config', `SCRAM-SHA-512=[password=${password}]`], {cluster: c})
    expect(add.code, add.stderr).toBe(0)
    await createTopicsAndWait(c, [{topic, numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}])

    // The credential reaches every broker through the metadata log: retry the first login briefly.
    const userKafka = as(c.connection, user, password)
    let topics: string[] | undefined
    for (let i = 0; i < 20 && topics === undefined; i++) {
      topics = await withAdmin(userKafka, (a) => a.listTopics()).catch(() => undefined)
      if (topics === undefined) await new Promise((r) => setTimeout(r, 500))
    }
    expect(topics, 'new SCRAM user could not log in').toBeDefined()
    expect(topics).not.toContain(topic) // unauthorised topics are filtered out of metadata

    const denied = await withAdmin(userKafka, (a) => a.createTopics({topics: [{topic: `${prefix}u`}]})).then(() => undefined, (e: unknown) => e as Error & {errors?: {type: string}[]; type?: string})
    expect(JSON.stringify(denied?.errors ?? denied?.type ?? denied?.message)).toMatch(/AUTHORIZATION_FAILED/)

    const producer = userKafka.producer({allowAutoTopicCreation: false})
    await producer.connect()
    try {
      const err = await producer.send({topic, acks: -1, messages: [{value: 'x'}]}).then(() => undefined, (e: unknown) => e as Error & {type?: string})
      expect(err?.type ?? err?.message).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i)

      const grant = await kafkaTool('acls', ['--add', '--allow-principal', `User:${user}`, '--operation', 'Write', '--operation', 'Describe', '--topic', topic], {cluster: c})
      expect(grant.code, grant.stderr).toBe(0)
      const list = await kafkaTool('acls', ['--list', '--topic', topic], {cluster: c})
      expect(list.stdout).toContain(`User:${user}`)
      let sent = false
      for (let i = 0; i < 20 && !sent; i++) {
        sent = await producer.send({topic, acks: -1, messages: [{value: 'granted'}]}).then(() => true, () => false)
        if (!sent) await new Promise((r) => setTimeout(r, 500))
      }
      expect(sent).toBe(true)
    } finally {
      await producer.disconnect()
    }
    const offsets = await withAdmin(newKafkaJs(c), (a) => a.fetchTopicOffsets(topic))
    expect(offsets[0]!.high).toBe('1')
  })

  it('credentials never appear in dev status output unless --show-secrets', async () => {
    const {streamctl} = await import('./cli.js')
    const c = secureCluster()
    const plain = await streamctl(['dev', 'status', '--data-dir', c.dataDir])
    expect(plain.code).toBe(0)
    expect(plain.stdout + plain.stderr).not.toContain(c.adminCredentials!.password)
    const json = await streamctl(['dev', 'status', '--data-dir', c.dataDir, '--json'])
    expect(json.stdout).not.toContain(c.adminCredentials!.password)
    expect(json.stdout).toContain('<redacted>')
    const shown = await streamctl(['dev', 'status', '--data-dir', c.dataDir, '--show-secrets'])
    expect(shown.stdout).toContain(`password: ${c.adminCredentials!.password}`)
  })
})

import {execFile} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {rmSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'
import {streamctl} from '../dev/cli.js'
import {librdkafkaProps} from '../dev/clients.js'
import {hasSecureCluster, kafkaTool, pythonBin, secureCluster, uniquePrefix} from '../harness.js'
import {PASSWORD_VAR, environmentYaml, topicYaml, writeEstate} from './estate.js'

/**
 * Users and quotas as code on the three-broker secure cluster: apply creates SCRAM users beside
 * the ACLs their Services need; Confluent's own client logs in as each user and can do exactly
 * what its ACLs allow; Kafka's kafka-configs reads back what the plan showed; a changed password
 * rotates the credential (old one refused, new one accepted); a removed user can no longer log
 * in; a declared producer_byte_rate throttles that user and no other. Tests build on each other.
 */
const PY = fileURLToPath(new URL('../../python/identity_client.py', import.meta.url))
const QUOTA = 1_048_576

describe.skipIf(!hasSecureCluster())('SCRAM users and client quotas (secure cluster)', () => {
  const cluster = hasSecureCluster() ? secureCluster() : undefined!
  const prefix = uniquePrefix('identities')
  const p = prefix.replace(/[^a-z0-9]/g, '')
  const topic = `${prefix}orders.v1`
  const users = {writer: `${p}-writer`, reader: `${p}-reader`, free: `${p}-free`}
  const passwords = {writer: randomBytes(12).toString('hex'), reader: randomBytes(12).toString('hex'), free: randomBytes(12).toString('hex')}
  const env = (): NodeJS.ProcessEnv => ({
    [PASSWORD_VAR]: cluster?.adminCredentials?.password ?? '',
    IT_WRITER_PASSWORD: passwords.writer, IT_READER_PASSWORD: passwords.reader, IT_FREE_PASSWORD: passwords.free,
  })
  const userYaml = (name: string, variable: string, extra = '') => `apiVersion: streamctl/v1
kind: User
metadata: {name: ${name}}
spec:
  password: \${env:${variable}}${extra}
`
  const files = (opts: {reader?: boolean; quota?: boolean} = {}): Record<string, string> => ({
    'env.yaml': environmentYaml('it-identities', cluster, prefix, `  protect: ['User:${cluster?.adminCredentials?.username ?? 'admin'}']\n`)
      .replace(`prune: {prefixes: ['${prefix}']}`, `prune: {prefixes: ['${prefix}'], principals: ['User:${p}-*']}`),
    'topics.yaml': topicYaml({name: topic, owner: 'writer', partitions: 1}),
    'services.yaml': `apiVersion: streamctl/v1
kind: Service
metadata: {name: writer}
spec:
  principal: User:${users.writer}
  produces: [${topic}]
${opts.reader === false ? '' : `---
apiVersion: streamctl/v1
kind: Service
metadata: {name: reader}
spec:
  principal: User:${users.reader}
  consumes:
    - {topic: ${topic}, groups: [${p}-group]}
`}---
apiVersion: streamctl/v1
kind: Acl
metadata: {name: free-writer}
spec:
  principal: User:${users.free}
  grants:
    - {resourceType: TOPIC, resourceName: ${topic}, operation: WRITE}
`,
    'users.yaml': [
      userYaml(users.writer, 'IT_WRITER_PASSWORD', opts.quota === false ? '' : `\n  quotas: {producer_byte_rate: ${QUOTA}}`),
      ...(opts.reader === false ? [] : [userYaml(users.reader, 'IT_READER_PASSWORD', '\n  credentials:\n    - {mechanism: SCRAM-SHA-512, iterations: 4096}\n    - {mechanism: SCRAM-SHA-256}')]),
      userYaml(users.free, 'IT_FREE_PASSWORD'),
      `apiVersion: streamctl/v1
kind: Quota
metadata: {name: app-clients}
spec:
  clientId: ${p}-app
  quotas: {consumer_byte_rate: 2097152, request_percentage: 150}
`,
    ].join('---\n'),
  })
  let dir: string
  const run = (args: string[]) => streamctl([...args, '-f', dir], {env: env()})
  const as = (who: keyof typeof users, password = passwords[who], mechanism = 'SCRAM-SHA-512') =>
    JSON.stringify({...librdkafkaProps(cluster, {username: users[who], password}), 'sasl.mechanisms': mechanism})
  const client = (props: string, ...args: string[]) => new Promise<Record<string, any>>((resolve, reject) => {
    execFile(pythonBin(), [PY, props, ...args], {timeout: 120_000}, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(JSON.parse(stdout.trim().split('\n').at(-1)!)))
  })
  /** A credential change reaches each broker through the metadata log: retry the login briefly. */
  const loginSettles = async (props: string, expected: boolean) => {
    let last: Record<string, any> = {}
    for (let i = 0; i < 10; i++) {
      last = await client(props, 'login')
      if (last.ok === expected) return last
      await new Promise((r) => setTimeout(r, 1000))
    }
    return last
  }
  afterAll(() => {
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('applies users beside their ACLs, never printing a password; a re-plan is empty', async () => {
    dir = writeEstate(undefined, files())
    const r = await run(['apply', '-e', 'it-identities', '--auto-approve'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    for (const secret of Object.values(passwords)) expect(r.stdout + r.stderr).not.toContain(secret)
    expect(r.stdout).toContain(`+ user ${users.writer}`)
    expect(r.stdout).toContain('credential SCRAM-SHA-512 (8192 iterations, password from env:IT_WRITER_PASSWORD)')
    expect(r.stdout).toContain('credential SCRAM-SHA-256 (8192 iterations, password from env:IT_READER_PASSWORD)')
    expect(r.stdout).toContain(`+ quota user=${users.writer}`)
    expect(r.stdout).toContain(`producer_byte_rate: ${QUOTA}`)
    expect(r.stdout).toContain(`+ quota client-id=${p}-app`)
    const plan = await run(['plan', '-e', 'it-identities', '--detailed-exitcode'])
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    expect(plan.stdout).toContain('No changes')
  })

  it('Kafka\'s kafka-configs reads back the credentials and quotas the plan showed', async () => {
    const creds = (await kafkaTool('configs', ['--describe', '--entity-type', 'users', '--entity-name', users.reader], {cluster})).stdout
    expect(creds).toMatch(/SCRAM-SHA-256=iterations=8192/)
    expect(creds).toMatch(/SCRAM-SHA-512=iterations=4096/)
    const quota = (await kafkaTool('configs', ['--describe', '--entity-type', 'users', '--entity-name', users.writer], {cluster})).stdout
    expect(quota).toMatch(new RegExp(`producer_byte_rate=${QUOTA}(\\.0)?\\b`))
    const clients = (await kafkaTool('configs', ['--describe', '--entity-type', 'clients', '--entity-name', `${p}-app`], {cluster})).stdout
    expect(clients).toMatch(/consumer_byte_rate=2097152(\.0)?\b/)
    expect(clients).toMatch(/request_percentage=150(\.0)?\b/)
    const json = await run(['plan', '-e', 'it-identities', '--json'])
    expect(JSON.parse(json.stdout).formatVersion).toBe(3)
  })

  it('each user does exactly what its ACLs allow, with either of its mechanisms', async () => {
    expect((await loginSettles(as('writer'), true)).ok).toBe(true)
    const wrote = await client(as('writer'), 'produce', topic, '20')
    expect(wrote, JSON.stringify(wrote)).toMatchObject({ok: true, acked: 20})
    const readerWrites = await client(as('reader'), 'produce', topic, '1')
    expect(readerWrites.ok).toBe(false)
    expect(String(readerWrites.error)).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i)
    const read = await client(as('reader', passwords.reader, 'SCRAM-SHA-256'), 'consume', topic, `${p}-group`)
    expect(read, JSON.stringify(read)).toMatchObject({ok: true, read: 20})
    const otherGroup = await client(as('reader'), 'consume', topic, `${p}-not-granted`)
    expect(otherGroup.ok).toBe(false)
    expect(String(otherGroup.error)).toMatch(/GROUP_AUTHORIZATION_FAILED|not authorized/i)
    const writerReads = await client(as('writer'), 'consume', topic, `${p}-group`)
    expect(writerReads.ok).toBe(false)
  })

  it('a declared producer_byte_rate throttles that user to its quota, and another user is not throttled', async () => {
    const limited = await client(as('writer'), 'flood', topic, '14', '10000')
    const rate = limited.acked_bytes / limited.elapsed
    console.info(`quota ${QUOTA} B/s: throttled user ${Math.round(rate)} B/s (${(rate / QUOTA).toFixed(2)}x), produce throttle up to ${limited.throttle_max_ms} ms`)
    expect(limited.throttle_max_ms, JSON.stringify(limited)).toBeGreaterThan(0)
    expect(rate / QUOTA, JSON.stringify(limited)).toBeGreaterThan(0.8)
    expect(rate / QUOTA, JSON.stringify(limited)).toBeLessThan(1.2)
    const free = await client(as('free'), 'flood', topic, '4', '10000')
    expect(free.throttle_max_ms, JSON.stringify(free)).toBe(0)
    console.info(`unlimited user ${Math.round(free.acked_bytes / free.elapsed)} B/s, throttle ${free.throttle_max_ms} ms`)
    expect(free.acked_bytes / free.elapsed / QUOTA, JSON.stringify(free)).toBeGreaterThan(2)
  }, 120_000)

  it('a changed password rotates the credential: the old one is refused, the new one works', async () => {
    const old = passwords.writer
    passwords.writer = randomBytes(12).toString('hex')
    const plan = await run(['plan', '-e', 'it-identities', '--detailed-exitcode'])
    expect(plan.code, plan.stdout + plan.stderr).toBe(2)
    expect(plan.stdout).toContain('credential SCRAM-SHA-512: rotate the password (from env:IT_WRITER_PASSWORD)')
    expect(plan.stdout).toMatch(/Plan: 0 to add, 1 to change, 0 to destroy/)
    const r = await run(['apply', '-e', 'it-identities', '--auto-approve'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout + r.stderr).not.toContain(passwords.writer)
    expect((await loginSettles(as('writer', old), false)).ok).toBe(false)
    expect((await loginSettles(as('writer'), true)).ok).toBe(true)
    expect((await run(['plan', '-e', 'it-identities', '--detailed-exitcode'])).code).toBe(0)
  })

  it('a removed user (and a removed quota) goes: it can no longer log in, its quota is deleted, not set to 0', async () => {
    writeEstate(dir, files({reader: false, quota: false}))
    const plan = await run(['plan', '-e', 'it-identities', '--detailed-exitcode'])
    expect(plan.code, plan.stdout + plan.stderr).toBe(2)
    expect(plan.stdout).toContain(`- user ${users.reader}`)
    expect(plan.stdout).toContain('credential SCRAM-SHA-256 (prune-scope)')
    expect(plan.stdout).toContain(`producer_byte_rate: ${QUOTA} (removed: no limit at this entity)`)
    expect(plan.stdout).toContain(`user ${cluster.adminCredentials!.username} (protected)`)
    expect(plan.stdout).not.toMatch(/- user admin\b/)
    const r = await run(['apply', '-e', 'it-identities', '--auto-approve'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect((await loginSettles(as('reader'), false)).ok).toBe(false)
    const creds = (await kafkaTool('configs', ['--describe', '--entity-type', 'users', '--entity-name', users.reader], {cluster})).stdout
    expect(creds).not.toMatch(/SCRAM-SHA/)
    const quota = (await kafkaTool('configs', ['--describe', '--entity-type', 'users', '--entity-name', users.writer], {cluster})).stdout
    expect(quota).not.toContain('producer_byte_rate')
    expect((await run(['plan', '-e', 'it-identities', '--detailed-exitcode'])).code).toBe(0)
    // The admin streamctl connects as is protected, and still works.
    expect((await loginSettles(JSON.stringify(librdkafkaProps(cluster)), true)).ok).toBe(true)
  })
})

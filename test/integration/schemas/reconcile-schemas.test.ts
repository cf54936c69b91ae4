import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {SchemaRegistry} from '@kafkajs/confluent-schema-registry'
import {afterAll, describe, expect, it} from 'vitest'
import {parseAllDocuments} from 'yaml'
import {streamctl} from '../dev/cli.js'
import {newKafkaJs, singleCluster, uniquePrefix} from '../harness.js'
import {schemaFiles, schemasYaml, topicsYaml, writeTree} from './estate.js'
import {relaxedLintPolicyYaml} from '../reconcile/estate.js'

const cluster = singleCluster()
const registryUrl = cluster.registryUrl

async function http(path: string, init: RequestInit = {}): Promise<{status: number; body: any}> {
  const res = await fetch(`${registryUrl}${path}`, {...init, headers: {accept: 'application/vnd.schemaregistry.v1+json', 'content-type': 'application/vnd.schemaregistry.v1+json'}})
  return {status: res.status, body: await res.json()}
}

async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as {port: number}).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

/**
 * Schemas through plan/apply on the real single-node dev cluster and its dev registry: the
 * environment is `cluster: dev` on the suite's cluster, with a declared registry url that must
 * lose to the dev cluster's own registry. Tests build on each other.
 */
describe.skipIf(!registryUrl)('schemas in plan/apply against the dev registry', () => {
  const prefix = uniquePrefix('schemas reconcile')
  const ns = `it.s${prefix.split('.').at(-2)}`
  const s = {orders: `${prefix}orders-value`, customers: `${prefix}customers-value`, payments: `${prefix}payments-value`, record: `${ns}.Order`}
  const envYaml = `apiVersion: streamctl/v1
kind: Environment
metadata: {name: it-schemas}
spec:
  cluster: dev
  dev: {brokers: 1, secure: false, dataDir: ${cluster.dataDir}}
  registry: {url: 'http://127.0.0.1:1'}
  defaults: {partitions: 1, replicationFactor: 1}
  prune: {prefixes: ['${prefix}']}
---
${relaxedLintPolicyYaml('it-schemas')}`
  const base = (): Record<string, string> => ({'env.yaml': envYaml, 'schemas.yaml': schemasYaml(prefix), 'topics.yaml': topicsYaml(prefix), ...schemaFiles(ns)})
  const dirs: string[] = []
  let dir: string
  const run = (args: string[], d = dir, env?: NodeJS.ProcessEnv) => streamctl([...args, '-f', d, '--no-start'], {env})
  afterAll(() => {
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
  })

  it('apply registers Avro, JSON and Protobuf subjects (topic and record strategies) before the topics', async () => {
    dir = writeTree(undefined, base())
    dirs.push(dir)
    const r = await run(['apply', '-e', 'it-schemas', '--auto-approve'])
    expect(r.code, r.stderr).toBe(0)
    for (const subject of Object.values(s)) expect(r.stdout).toContain(`+ subject ${subject}`)
    // 4 topics + 4 new subjects to add; 3 subject levels (orders, its record subject, payments) to set.
    expect(r.stdout).toMatch(/Plan: 8 to add, 3 to change, 0 to destroy/)
    // Execution order: every schema action before the first topic create.
    const order = [...r.stdout.matchAll(/✔ (schema\.[a-z.]+|topic\.create):/g)].map((m) => m[1]!)
    expect(order.lastIndexOf('schema.register')).toBeLessThan(order.indexOf('topic.create'))

    // Plain HTTP: what the registry holds.
    const latest = await http(`/subjects/${encodeURIComponent(s.orders)}/versions/latest`)
    expect(latest.status).toBe(200)
    expect(latest.body.version).toBe(1)
    expect(JSON.parse(latest.body.schema).fields.map((f: {name: string}) => f.name)).toEqual(['orderId', 'status'])
    expect((await http(`/config/${encodeURIComponent(s.orders)}`)).body).toEqual({compatibilityLevel: 'BACKWARD'})
    expect((await http(`/config/${encodeURIComponent(s.payments)}`)).body).toEqual({compatibilityLevel: 'FULL'})
    expect((await http(`/config/${encodeURIComponent(s.customers)}`)).body.error_code).toBe(40408)
    expect((await http(`/subjects/${encodeURIComponent(s.payments)}/versions/latest`)).body.schemaType).toBe('PROTOBUF')
    expect((await http(`/subjects/${encodeURIComponent(s.customers)}/versions/latest`)).body.schemaType).toBe('JSON')
    const record = await http(`/subjects/${encodeURIComponent(s.record)}/versions/latest`)
    expect(record.body.id).toBe(latest.body.id) // the same schema under another subject reuses the id

    // @kafkajs/confluent-schema-registry: encode with the registered ids and decode back.
    const reg = new SchemaRegistry({host: registryUrl!})
    const orderId = await reg.getLatestSchemaId(s.orders)
    expect(orderId).toBe(latest.body.id)
    const value = {orderId: 'o-1', status: 'PAID'}
    expect(await reg.decode(await reg.encode(orderId, value))).toEqual(value)
    const customerId = await reg.getLatestSchemaId(s.customers)
    expect(await reg.decode(await reg.encode(customerId, {id: 'c-1', name: 'Ada'}))).toEqual({id: 'c-1', name: 'Ada'})
    expect(await reg.getLatestSchemaId(s.payments)).toBeGreaterThan(0)

    const admin = newKafkaJs(cluster).admin()
    await admin.connect()
    try {
      expect(await admin.listTopics()).toEqual(expect.arrayContaining([`${prefix}orders`, `${prefix}customers`, `${prefix}payments`, `${prefix}orders-audit`]))
    } finally {
      await admin.disconnect()
    }
  })

  it('a second apply plans no schema changes (Protobuf comments and JSON formatting do not count)', async () => {
    const r = await run(['apply', '-e', 'it-schemas', '--auto-approve'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('No changes')
    const p = await run(['plan', '-e', 'it-schemas', '--detailed-exitcode'])
    expect(p.code, p.stderr).toBe(0)
  })

  it('an incompatible edit is blocked at plan time with the registry\'s reasons; apply refuses and registers nothing', async () => {
    // Removing an enum symbol and adding a field without a default: BACKWARD readers break.
    // Changing a Protobuf field's scalar type breaks FULL both ways.
    writeTree(dir, {
      'schemas/payment.proto': schemaFiles(ns)['schemas/payment.proto']!.replace('string id = 1;', 'int64 id = 1;'),
      'schemas/order.avsc': schemaFiles(ns, {orderExtra: {name: 'priority', type: 'int'}})['schemas/order.avsc']!.replace(', "CANCELLED"', '').replace(/,\s*"CANCELLED"/, ''),
    })
    // The plan is still printed in full, but plan exits 1: apply would refuse it.
    const p = await run(['plan', '-e', 'it-schemas', '--json'])
    expect(p.code, p.stderr).toBe(1)
    const plan = JSON.parse(p.stdout)
    const blocked = plan.blocked.filter((b: {kind: string}) => b.kind === 'schema.incompatible')
    expect(blocked.map((b: {resource: string}) => b.resource).sort()).toEqual([`Subject/${s.orders}`, `Subject/${s.payments}`, `Subject/${s.record}`].sort())
    const reasonOf = (subject: string): string => blocked.find((b: {resource: string}) => b.resource === `Subject/${subject}`).reason
    expect(reasonOf(s.orders)).toMatch(/field 'priority' was added without a default/)
    expect(reasonOf(s.orders)).toMatch(/symbol 'CANCELLED' was removed/)
    expect(reasonOf(s.payments)).toMatch(/not FULL-compatible .*field 1: type changed from string to int64/)
    expect(plan.actions.filter((a: {kind: string}) => a.kind.startsWith('schema.'))).toEqual([])

    const text = await run(['plan', '-e', 'it-schemas'])
    expect(text.stdout).toContain(`! subject ${s.orders}`)
    expect(text.code).toBe(1)
    expect(text.stderr).toMatch(/schema change\(s\) are incompatible, nothing can be applied/)

    const a = await run(['apply', '-e', 'it-schemas', '--auto-approve'])
    expect(a.code).toBe(1)
    expect(a.stderr).toMatch(/schema change\(s\) are incompatible, nothing was applied/)
    expect((await http(`/subjects/${encodeURIComponent(s.orders)}/versions`)).body).toEqual([1])
    expect((await http(`/subjects/${encodeURIComponent(s.payments)}/versions`)).body).toEqual([1])

    const check = await run(['schema', 'check', '-e', 'it-schemas'])
    expect(check.code).toBe(1)
    expect(check.stdout).toMatch(new RegExp(`incompatible +${s.orders.replace(/\./g, '\\.')} \\(latest version 1, BACKWARD\\)`))
    expect(check.stdout).toContain(`${join(dir, 'schemas.yaml')}:`)
    expect(check.stdout).toContain(join(dir, 'schemas/order.avsc'))
    expect(check.stdout).toMatch(/field 'priority' was added without a default/)
  })

  it('a change that also changes the level is judged at the new level (which apply sets first)', async () => {
    // Dropping `status` is BACKWARD-compatible (the registry's current level says yes) but not
    // FORWARD-compatible: old readers need the field. Declaring FORWARD must block it.
    const withoutStatus = JSON.parse(schemaFiles(ns)['schemas/order.avsc']!)
    withoutStatus.fields = withoutStatus.fields.filter((f: {name: string}) => f.name !== 'status')
    writeTree(dir, {
      'schemas.yaml': schemasYaml(prefix).replace('compatibility: BACKWARD', 'compatibility: FORWARD'),
      'schemas/order.avsc': JSON.stringify(withoutStatus, null, 2),
      'schemas/payment.proto': schemaFiles(ns)['schemas/payment.proto']!,
    })
    const p = await run(['plan', '-e', 'it-schemas', '--json'])
    expect(p.code, p.stderr).toBe(1)
    const plan = JSON.parse(p.stdout)
    const blocked = plan.blocked.find((b: {resource: string}) => b.resource === `Subject/${s.orders}`)
    expect(blocked?.reason).toMatch(/not FORWARD-compatible with version 1 .*status/)
    expect(plan.actions.map((a: {id: string}) => a.id)).toContain(`schema.compatibility.set:${s.orders}`)
    expect(plan.actions.map((a: {id: string}) => a.id)).not.toContain(`schema.register:${s.orders}`)
    writeTree(dir, {'schemas.yaml': schemasYaml(prefix)})
  })

  it('a compatible edit registers a new version, and then nothing more', async () => {
    writeTree(dir, {
      'schemas/order.avsc': schemaFiles(ns, {orderExtra: {name: 'priority', type: 'int', default: 0}})['schemas/order.avsc']!,
      'schemas/payment.proto': schemaFiles(ns)['schemas/payment.proto']!,
    })
    const check = await run(['schema', 'check', '-e', 'it-schemas'])
    expect(check.code, check.stdout).toBe(0)
    expect(check.stdout).toMatch(new RegExp(`compatible +${s.orders.replace(/\./g, '\\.')}`))
    const a = await run(['apply', '-e', 'it-schemas', '--auto-approve'])
    expect(a.code, a.stderr).toBe(0)
    expect(a.stdout).toContain(`~ subject ${s.orders}`)
    expect(a.stdout).toContain('schema AVRO: version 1 → new version')
    expect((await http(`/subjects/${encodeURIComponent(s.orders)}/versions`)).body).toEqual([1, 2])
    expect((await http(`/subjects/${encodeURIComponent(s.record)}/versions`)).body).toEqual([1, 2])
    const again = await run(['plan', '-e', 'it-schemas', '--detailed-exitcode'])
    expect(again.code, again.stdout).toBe(0)
  })

  it('a schema the registry refuses (42201) names the manifest and the schema file with the position; nothing registered', async () => {
    const bad = `${prefix}bad-value`
    writeTree(dir, {
      'bad.yaml': `apiVersion: streamctl/v1\nkind: Schema\nmetadata: {name: bad}\nspec:\n  subject: ${bad}\n  type: JSON\n  file: schemas/bad.schema.json\n`,
      'schemas/bad.schema.json': '{\n  "title": "Bad",\n  "type": "object",\n  "properties": {\n    "sku": {"type": "strin"}\n  }\n}\n',
    })
    const p = await run(['plan', '-e', 'it-schemas'])
    expect(p.code).toBe(1)
    expect(p.stderr).toContain(`${join(dir, 'schemas/bad.schema.json')}:5:21`)
    expect(p.stderr).toContain(`declared at ${join(dir, 'bad.yaml')}:`)
    expect(p.stderr).toMatch(/the registry rejects the JSON schema for subject .*bad-value/)
    const a = await run(['apply', '-e', 'it-schemas', '--auto-approve'])
    expect(a.code).toBe(1)
    expect((await http(`/subjects/${encodeURIComponent(bad)}/versions`)).status).toBe(404)
    rmSync(join(dir, 'bad.yaml'))
  })

  it('diff shows a subject difference between the live environment and its manifests', async () => {
    writeTree(dir, {'schemas/customer.schema.json': schemaFiles(ns, {customerExtra: {email: {type: 'string'}}})['schemas/customer.schema.json']!})
    const d = await streamctl(['diff', '--from', 'it-schemas', '--to', 'manifest:it-schemas', '-f', dir, '--no-start'])
    expect(d.code, d.stderr).toBe(0)
    expect(d.stdout).toContain(`~ subject ${s.customers}`)
    expect(d.stdout).toContain('schema JSON: version 1 → new version')
    expect(d.stdout).not.toContain(`subject ${s.orders}`)
    writeTree(dir, {'schemas/customer.schema.json': schemaFiles(ns)['schemas/customer.schema.json']!})
  })

  it('export writes the subjects as Schema resources; planning them again changes nothing', async () => {
    const out = `${dir}-exported`
    dirs.push(out)
    const e = await streamctl(['export', '-e', 'it-schemas', '-f', dir, '-o', out, '--no-start'])
    expect(e.code, e.stderr).toBe(0)
    const docs = parseAllDocuments(readFileSync(join(out, 'schemas.yaml'), 'utf8')).map((d) => d.toJS() as {kind: string; metadata: {name: string}; spec: Record<string, any>})
    const mine = docs.filter((d) => d.kind === 'Schema' && Object.values(s).includes(d.spec.subject))
    expect(mine.map((d) => d.spec.subject).sort()).toEqual(Object.values(s).sort())
    const order = mine.find((d) => d.spec.subject === s.orders)!
    expect(order.spec).toMatchObject({type: 'AVRO', compatibility: 'BACKWARD'})
    const live = await http(`/subjects/${encodeURIComponent(s.orders)}/versions/latest`)
    // Each schema in a file of its own beside the manifests, named by its subject.
    expect(order.spec.file).toBe(`schemas/${s.orders}.avsc`)
    expect(order.spec).not.toHaveProperty('schema')
    expect(JSON.parse(readFileSync(join(out, order.spec.file), 'utf8'))).toEqual(JSON.parse(live.body.schema))
    const payments = mine.find((d) => d.spec.subject === s.payments)!
    expect(payments.spec.type).toBe('PROTOBUF')
    expect(readFileSync(join(out, payments.spec.file), 'utf8').trim()).toBe((await http(`/subjects/${encodeURIComponent(s.payments)}/versions/latest`)).body.schema.trim())
    // The exported topics keep their links to the schemas.
    const topics = parseAllDocuments(readFileSync(join(out, 'topics.yaml'), 'utf8')).map((d) => d.toJS() as {metadata: {name: string}; spec: Record<string, any>})
    const ordersTopic = topics.find((t) => `${t.metadata.name}-value` === s.orders)!
    expect(ordersTopic.spec.valueSchema).toBe(order.metadata.name)

    // Round trip: our environment (without its prune scope: the topics are not part of this set)
    // + the exported Schema resources and their files for our subjects → no changes.
    const rt = writeTree(undefined, {
      'env.yaml': envYaml.replace(/^ {2}prune:.*\n/m, ''),
      'schemas.yaml': mine.map((d) => JSON.stringify(d)).join('\n---\n'),
      ...Object.fromEntries(mine.map((d) => [d.spec.file, readFileSync(join(out, d.spec.file), 'utf8')])),
    })
    dirs.push(rt)
    const p = await run(['plan', '-e', 'it-schemas', '--detailed-exitcode'], rt)
    expect(p.code, p.stdout + p.stderr).toBe(0)
    expect(p.stdout).not.toMatch(/subject /)
  })

  it('a registry that is down is a clear error before anything is applied, and its password is never shown', async () => {
    const port = await closedPort()
    const downTopic = `${prefix}down`
    const d = writeTree(undefined, {
      'env.yaml': `apiVersion: streamctl/v1
kind: Environment
metadata: {name: it-down}
spec:
  kafka: {bootstrap: [${cluster.bootstrap.join(', ')}]}
  registry: {url: 'http://127.0.0.1:${port}', username: svc, password: '\${env:IT_REGISTRY_PASSWORD}'}
  defaults: {partitions: 1, replicationFactor: 1}
---
${relaxedLintPolicyYaml('it-down')}`,
      'schemas.yaml': `apiVersion: streamctl/v1\nkind: Schema\nmetadata: {name: v}\nspec:\n  subject: ${downTopic}-value\n  type: AVRO\n  schema: '"string"'\n`,
      'topics.yaml': `apiVersion: streamctl/v1\nkind: Topic\nmetadata: {name: ${downTopic}}\nspec:\n  partitions: 1\n  policy: stream\n  valueSchema: v\n`,
    })
    dirs.push(d)
    const secret = 'reg-pa55-never-printed'
    const r = await streamctl(['apply', '-e', 'it-down', '--auto-approve', '-f', d], {env: {IT_REGISTRY_PASSWORD: secret}})
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`the schema registry of it-down (http://127.0.0.1:${port}) is unreachable`)
    expect(r.stderr).toContain('nothing was changed')
    expect(r.stdout + r.stderr).not.toContain(secret)
    const admin = newKafkaJs(cluster).admin()
    await admin.connect()
    try {
      expect(await admin.listTopics()).not.toContain(downTopic)
    } finally {
      await admin.disconnect()
    }
  })
})

/** The README quickstart with schemas: the examples' `local` environment on a dev cluster registers its subjects. */
describe.skipIf(!registryUrl)('apply -e local -f manifests/examples registers the example schemas', () => {
  let dir: string
  afterAll(() => {
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('registers every example subject in the dev registry, and a second apply plans nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'streamctl-examples-it-'))
    cpSync(fileURLToPath(new URL('../../../manifests/examples', import.meta.url)), dir, {recursive: true})
    // Point the local environment at the suite's dev cluster instead of .streamctl/dev.
    const envFile = join(dir, 'environments.yaml')
    const envText = readFileSync(envFile, 'utf8')
    expect(envText).toContain('    secure: false\n')
    writeFileSync(envFile, envText.replace('    secure: false\n', `    secure: false\n    dataDir: ${cluster.dataDir}\n`))
    const r = await streamctl(['apply', '-e', 'local', '-f', dir, '--auto-approve', '--no-start'])
    expect(r.code, r.stderr).toBe(0)
    const subjects = (await http('/subjects')).body as string[]
    const declared = [...readFileSync(join(dir, 'schemas.yaml'), 'utf8').matchAll(/subject: (\S+)/g)].map((m) => m[1]!)
    expect(declared.length).toBeGreaterThanOrEqual(9)
    expect(subjects).toEqual(expect.arrayContaining(declared))
    expect((await http('/config/shop.invoices.v1-value')).body).toEqual({compatibilityLevel: 'FULL_TRANSITIVE'})
    const again = await streamctl(['apply', '-e', 'local', '-f', dir, '--auto-approve', '--no-start'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('No changes')
  })
})

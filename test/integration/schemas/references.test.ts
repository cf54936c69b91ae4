import {rmSync} from 'node:fs'
import {afterAll, describe, expect, it} from 'vitest'
import {streamctl} from '../dev/cli.js'
import {singleCluster, uniquePrefix} from '../harness.js'
import {relaxedLintPolicyYaml} from '../reconcile/estate.js'
import {writeTree} from './estate.js'

const cluster = singleCluster()
const registryUrl = cluster.registryUrl

async function get(path: string): Promise<{status: number; body: any}> {
  const res = await fetch(`${registryUrl}${path}`, {headers: {accept: 'application/vnd.schemaregistry.v1+json'}})
  return {status: res.status, body: await res.json()}
}

/**
 * Schemas that reference each other, applied in one go to subjects the registry has never seen
 * (a unique prefix per run makes every subject new, as on a fresh registry): Avro named types,
 * JSON Schema `$ref` and Protobuf `import`, across manifest files. The plan checks the referring
 * schemas against the manifests' own referenced schemas and registers dependencies first.
 */
describe.skipIf(!registryUrl)('schema references on subjects the registry does not hold yet', () => {
  const prefix = uniquePrefix('schema refs')
  const ns = `it.r${prefix.split('.').at(-2)}`
  const subjects = (p: string) => ({address: `${p}address`, customer: `${p}customers-value`, money: `${p}money`, order: `${p}orders-value`, common: `${p}common`, payment: `${p}payments-value`})
  const subject = subjects(prefix)
  const env = `apiVersion: streamctl/v1
kind: Environment
metadata: {name: it-refs}
spec:
  cluster: dev
  dev: {brokers: 1, secure: false, dataDir: ${cluster.dataDir}}
  defaults: {partitions: 1, replicationFactor: 1}
  prune: {prefixes: ['${prefix}']}
---
${relaxedLintPolicyYaml('it-refs')}`
  const schema = (name: string, subj: string, type: string, file: string, refs: string[] = []) => `apiVersion: streamctl/v1
kind: Schema
metadata: {name: ${name}}
spec:
  subject: ${subj}
  type: ${type}
  file: ${file}${refs.length ? `\n  references:\n${refs.map((r) => `    - ${r}`).join('\n')}` : ''}
`
  const files = (customerRef?: string, subject = subjects(prefix)): Record<string, string> => ({
    'env.yaml': env,
    // The referring schemas come first, in their own file: the order of the manifests must not matter.
    'a-referring.yaml': [
      schema('customer', subject.customer, 'AVRO', 'schemas/customer.avsc', [customerRef ?? `{name: ${ns}.Address, subject: ${subject.address}, version: 1}`]),
      schema('order', subject.order, 'JSON', 'schemas/order.json', [`{name: money.json, subject: ${subject.money}, version: 1}`]),
      schema('payment', subject.payment, 'PROTOBUF', 'schemas/payment.proto', [`{name: common.proto, subject: ${subject.common}, version: 1}`]),
    ].join('---\n'),
    'b-referenced.yaml': [
      schema('address', subject.address, 'AVRO', 'schemas/address.avsc'),
      schema('money', subject.money, 'JSON', 'schemas/money.json'),
      schema('common', subject.common, 'PROTOBUF', 'schemas/common.proto'),
    ].join('---\n'),
    'schemas/address.avsc': JSON.stringify({type: 'record', name: 'Address', namespace: ns, fields: [{name: 'city', type: 'string'}]}),
    'schemas/customer.avsc': JSON.stringify({type: 'record', name: 'Customer', namespace: ns, fields: [{name: 'id', type: 'string'}, {name: 'home', type: `${ns}.Address`}]}),
    'schemas/money.json': JSON.stringify({$schema: 'http://json-schema.org/draft-07/schema#', $id: 'money.json', type: 'object', properties: {cents: {type: 'integer'}, currency: {type: 'string'}}, required: ['cents']}),
    'schemas/order.json': JSON.stringify({$schema: 'http://json-schema.org/draft-07/schema#', title: 'Order', type: 'object', properties: {id: {type: 'string'}, total: {$ref: 'money.json'}}}),
    'schemas/common.proto': `syntax = "proto3";\npackage ${ns}.common;\n\nmessage Money {\n  int64 cents = 1;\n  string currency = 2;\n}\n`,
    'schemas/payment.proto': `syntax = "proto3";\npackage ${ns};\n\nimport "common.proto";\n\nmessage Payment {\n  string id = 1;\n  ${ns}.common.Money amount = 2;\n}\n`,
  })
  let dir: string | undefined
  const run = (args: string[]) => streamctl([...args, '-f', dir!, '--no-start'])
  afterAll(() => { if (dir) rmSync(dir, {recursive: true, force: true}) })

  it('plans the referring schemas after what they reference, and one apply registers them all', async () => {
    dir = writeTree(undefined, files())
    const plan = await run(['plan', '-e', 'it-refs', '--json'])
    expect(plan.code, plan.stderr).toBe(0)
    const order = JSON.parse(plan.stdout).actions.filter((a: {kind: string}) => a.kind === 'schema.register').map((a: {subject: string}) => a.subject)
    expect(order).toHaveLength(6)
    for (const [referring, referenced] of [[subject.customer, subject.address], [subject.order, subject.money], [subject.payment, subject.common]]) {
      expect(order.indexOf(referring), order.join(' ')).toBeGreaterThan(order.indexOf(referenced))
    }
    const reg = JSON.parse(plan.stdout).actions.find((a: {id: string}) => a.id === `schema.register:${subject.customer}`)
    expect(reg.dependsOn).toEqual([`schema.register:${subject.address}`])

    const apply = await run(['apply', '-e', 'it-refs', '--auto-approve'])
    expect(apply.code, apply.stdout + apply.stderr).toBe(0)
    for (const [referring, name, referenced] of [[subject.customer, `${ns}.Address`, subject.address], [subject.order, 'money.json', subject.money], [subject.payment, 'common.proto', subject.common]]) {
      const v = await get(`/subjects/${encodeURIComponent(referring!)}/versions/1`)
      expect(v.status).toBe(200)
      expect(v.body.references).toEqual([{name, subject: referenced, version: 1}])
    }
    const again = await run(['plan', '-e', 'it-refs', '--detailed-exitcode'])
    expect(again.code, again.stdout + again.stderr).toBe(0)
  })

  it('a reference nobody provides, or to a version this apply will not register, is an error naming it, and nothing is registered', async () => {
    // Subjects of their own: nothing of the first test's apply may answer for them.
    const other = subjects(`${prefix}x-`)
    const missing = `${prefix}nowhere`
    const bad = writeTree(undefined, {...files(`{name: ${ns}.Address, subject: ${missing}, version: 1}`, other)})
    const r = await streamctl(['plan', '-e', 'it-refs', '-f', bad, '--no-start'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`references ${missing} version 1`)
    expect(r.stderr).toMatch(/a-referring\.yaml:\d+:\d+|customer\.avsc/)
    expect(r.stderr).toContain(`declare a Schema with subject ${missing}`)

    const fresh = `${prefix}address2`
    const wrongVersion = writeTree(undefined, {
      ...files(`{name: ${ns}.Address, subject: ${fresh}, version: 2}`, other),
      'c-more.yaml': schema('address2', fresh, 'AVRO', 'schemas/address.avsc'),
    })
    const w = await streamctl(['plan', '-e', 'it-refs', '-f', wrongVersion, '--no-start'])
    expect(w.code).toBe(1)
    expect(w.stderr).toContain(`references ${fresh} version 2, but the registry does not hold it and this apply registers the manifests' ${fresh} as version 1`)
    expect((await get(`/subjects/${encodeURIComponent(fresh)}/versions`)).status).toBe(404)
    for (const d of [bad, wrongVersion]) rmSync(d, {recursive: true, force: true})
  })

  it('version: latest pins to what the referenced subject holds once the apply is done, and follows it when it moves', async () => {
    const own = subjects(`${prefix}l-`)
    const latestRef = `{name: ${ns}.Address, subject: ${own.address}, version: latest}`
    const tree = writeTree(undefined, files(latestRef, own))
    const runIn = (args: string[]) => streamctl([...args, '-f', tree, '--no-start'])
    try {
      const first = await runIn(['plan', '-e', 'it-refs', '--json'])
      expect(first.code, first.stderr).toBe(0)
      const reg = JSON.parse(first.stdout).actions.find((a: {id: string}) => a.id === `schema.register:${own.customer}`)
      expect(reg.references).toEqual([{name: `${ns}.Address`, subject: own.address, version: 1}])
      expect((await runIn(['apply', '-e', 'it-refs', '--auto-approve'])).code).toBe(0)
      expect((await get(`/subjects/${encodeURIComponent(own.customer)}/versions/1`)).body.references).toEqual([{name: `${ns}.Address`, subject: own.address, version: 1}])
      expect((await runIn(['plan', '-e', 'it-refs', '--detailed-exitcode'])).code).toBe(0)

      // The referenced schema gains a field (with a default: compatible): the referrer follows to version 2.
      writeTree(tree, {'schemas/address.avsc': JSON.stringify({type: 'record', name: 'Address', namespace: ns, fields: [{name: 'city', type: 'string'}, {name: 'zip', type: 'string', default: ''}]})})
      const moved = await runIn(['plan', '-e', 'it-refs', '--json'])
      expect(moved.code, moved.stderr).toBe(0)
      const registered = JSON.parse(moved.stdout).actions.filter((a: {kind: string}) => a.kind === 'schema.register')
      expect(registered.map((a: {subject: string}) => a.subject)).toEqual([own.address, own.customer])
      expect(registered[1].references).toEqual([{name: `${ns}.Address`, subject: own.address, version: 2}])
      expect((await runIn(['apply', '-e', 'it-refs', '--auto-approve'])).code).toBe(0)
      expect((await get(`/subjects/${encodeURIComponent(own.customer)}/versions/latest`)).body.references).toEqual([{name: `${ns}.Address`, subject: own.address, version: 2}])
      expect((await runIn(['plan', '-e', 'it-refs', '--detailed-exitcode'])).code).toBe(0)

      // Latest of a subject nobody declares and the registry lacks: an error at the referring Schema, nothing registered.
      const nowhere = `${prefix}l-nowhere`
      const other = subjects(`${prefix}l2-`)
      const bad = writeTree(undefined, files(`{name: ${ns}.Address, subject: ${nowhere}, version: latest}`, other))
      const r = await streamctl(['plan', '-e', 'it-refs', '-f', bad, '--no-start'])
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`references the latest version of ${nowhere}, which the registry does not hold and no Schema in the manifests declares`)
      expect(r.stderr).toMatch(/a-referring\.yaml:\d+:\d+/)
      expect((await get(`/subjects/${encodeURIComponent(other.customer)}/versions`)).status).toBe(404)
      rmSync(bad, {recursive: true, force: true})
    } finally {
      rmSync(tree, {recursive: true, force: true})
    }
  })

  it('validate warns offline about a referenced subject no Schema declares; with --registry an unregistered one is an error at its Schema', async () => {
    const own = subjects(`${prefix}v-`)
    const external = `${prefix}v-external`
    // The referenced subject is not declared: another team registers it.
    const {[`b-referenced.yaml`]: referenced, ...rest} = files(`{name: ${ns}.Address, subject: ${external}, version: 1}`, own)
    if (referenced === undefined) throw new Error('the estate lost its b-referenced.yaml')
    const tree = writeTree(undefined, {...rest, 'b-referenced.yaml': referenced.split('---\n').slice(1).join('---\n')})
    try {
      const offline = await streamctl(['validate', '-e', 'it-refs', '-f', tree])
      expect(offline.code, offline.stderr).toBe(0)
      expect(offline.stderr).toContain(`references ${external} (version 1), which no Schema in the manifests declares; it must be registered already`)
      expect(offline.stderr).toMatch(/a-referring\.yaml:\d+:\d+/)

      const missing = await streamctl(['validate', '-e', 'it-refs', '-f', tree, '--registry', '--no-start'])
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain(`references ${external} (version 1), which the registry of environment it-refs does not hold and no Schema in the manifests declares`)
      expect(missing.stderr).toMatch(/a-referring\.yaml:\d+:\d+/)
      expect((await get(`/subjects/${encodeURIComponent(own.customer)}/versions`)).status).toBe(404)

      // Once the other team has registered it, --registry answers the warning.
      const address = JSON.stringify({type: 'record', name: 'Address', namespace: ns, fields: [{name: 'city', type: 'string'}]})
      const res = await fetch(`${registryUrl}/subjects/${encodeURIComponent(external)}/versions`, {
        method: 'POST', headers: {'content-type': 'application/vnd.schemaregistry.v1+json'}, body: JSON.stringify({schema: address}),
      })
      expect(res.status).toBe(200)
      const held = await streamctl(['validate', '-e', 'it-refs', '-f', tree, '--registry', '--no-start'])
      expect(held.code, held.stderr).toBe(0)
      expect(held.stderr).not.toContain(external)
    } finally {
      rmSync(tree, {recursive: true, force: true})
    }
  })
})

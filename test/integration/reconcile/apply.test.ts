import {rmSync} from 'node:fs'
import {afterAll, describe, expect, it} from 'vitest'
import {streamctl} from '../dev/cli.js'
import {hasSecureCluster, kafkaTool, secureCluster, uniquePrefix} from '../harness.js'
import {PASSWORD_VAR, environmentYaml, servicesYaml, topicYaml, writeEstate} from './estate.js'

/**
 * The main job end to end on the three-broker secure dev cluster: apply, re-apply, read back with
 * Kafka's own tools, edit and plan, prune, export round trip. Tests in this file build on each other.
 */
describe.skipIf(!hasSecureCluster())('apply on the 3-broker secure cluster', () => {
  const cluster = hasSecureCluster() ? secureCluster() : undefined!
  const prefix = uniquePrefix('reconcile apply')
  const names = {orders: `${prefix}orders.v1`, customers: `${prefix}customers.v1`, audit: `${prefix}audit.v1`}
  const env = {[PASSWORD_VAR]: cluster?.adminCredentials?.password ?? ''}
  const files = (extra: Partial<Record<string, string>> = {}): Record<string, string> => ({
    'env.yaml': environmentYaml('it-apply', cluster, prefix),
    'topics.yaml': [
      topicYaml({name: names.orders, owner: 'writer', partitions: 3, config: {'retention.ms': 86400000, 'compression.type': 'zstd'}}),
      topicYaml({name: names.customers, owner: 'writer', partitions: 2, policy: 'table'}),
      topicYaml({name: names.audit, owner: 'writer', partitions: 1, config: {'max.message.bytes': 262144}}),
    ].join('---\n'),
    'services.yaml': servicesYaml(prefix, [names.orders, names.customers, names.audit]),
    ...extra,
  } as Record<string, string>)
  let dir: string
  const run = (args: string[]) => streamctl([...args, '-f', dir], {env})
  afterAll(() => {
    for (const d of [dir, `${dir}-exported`]) if (d) rmSync(d, {recursive: true, force: true})
  })

  it('applies the manifests, and Kafka\'s own tools read back exactly what they declare', async () => {
    dir = writeEstate(undefined, files())
    const r = await run(['apply', '-e', 'it-apply', '--auto-approve'])
    expect(r.stderr).not.toContain(env[PASSWORD_VAR])
    expect(r.stdout).not.toContain(env[PASSWORD_VAR])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Plan: 13 to add, 0 to change, 0 to destroy, 0 blocked/)
    expect(r.stdout).toContain('Apply complete')

    const describe = (await kafkaTool('topics', ['--describe', '--topic', names.orders], {cluster})).stdout
    expect(describe).toMatch(/PartitionCount:\s*3/)
    expect(describe).toMatch(/ReplicationFactor:\s*3/)
    const configs = (await kafkaTool('configs', ['--describe', '--entity-type', 'topics', '--entity-name', names.orders], {cluster})).stdout
    expect(configs).toContain('retention.ms=86400000')
    expect(configs).toContain('compression.type=zstd')
    expect(configs).toContain('min.insync.replicas=2')
    const table = (await kafkaTool('configs', ['--describe', '--entity-type', 'topics', '--entity-name', names.customers], {cluster})).stdout
    expect(table).toContain('cleanup.policy=compact')
    const acls = (await kafkaTool('acls', ['--list', '--topic', names.orders], {cluster})).stdout
    const p = prefix.replace(/[^a-z0-9]/g, '')
    expect(acls).toMatch(new RegExp(`User:${p}-writer.*operation=WRITE.*permissionType=ALLOW`))
    expect(acls).toMatch(new RegExp(`User:${p}-reader.*operation=READ.*permissionType=ALLOW`))
    expect(acls).not.toMatch(new RegExp(`User:${p}-reader.*operation=WRITE`))
  })

  it('a second apply plans no changes, and plan --detailed-exitcode exits 0', async () => {
    const again = await run(['apply', '-e', 'it-apply', '--auto-approve'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('No changes')
    const plan = await run(['plan', '-e', 'it-apply', '--detailed-exitcode'])
    expect(plan.code, plan.stderr).toBe(0)
  })

  it('an edit shows as a diff with exit code 2, and applying it converges', async () => {
    writeEstate(dir, files({
      'topics.yaml': [
        topicYaml({name: names.orders, owner: 'writer', partitions: 6, config: {'retention.ms': 172800000, 'compression.type': 'zstd'}}),
        topicYaml({name: names.customers, owner: 'writer', partitions: 2, policy: 'table'}),
      ].join('---\n'),
      'services.yaml': servicesYaml(prefix, [names.orders, names.customers]),
    }))
    const plan = await run(['plan', '-e', 'it-apply', '--detailed-exitcode'])
    expect(plan.code, plan.stderr).toBe(2)
    expect(plan.stdout).toContain(`~ topic ${names.orders}`)
    expect(plan.stdout).toMatch(/partitions: 3 → 6/)
    expect(plan.stdout).toMatch(/retention\.ms: 86400000 → 172800000/)
    expect(plan.stdout).toContain(`- topic ${names.audit}`)

    const json = await run(['plan', '-e', 'it-apply', '--json'])
    const parsed = JSON.parse(json.stdout)
    expect(parsed.formatVersion).toBe(3)
    expect(parsed.actions.map((a: {kind: string}) => a.kind)).toEqual(expect.arrayContaining(['topic.partitions.increase', 'topic.config.alter', 'topic.delete', 'acl.delete']))

    const apply = await run(['apply', '-e', 'it-apply', '--auto-approve'])
    expect(apply.code, apply.stderr).toBe(0)
    const list = (await kafkaTool('topics', ['--list'], {cluster})).stdout
    expect(list).not.toContain(names.audit)
    const describe = (await kafkaTool('topics', ['--describe', '--topic', names.orders], {cluster})).stdout
    expect(describe).toMatch(/PartitionCount:\s*6/)
    expect((await run(['plan', '-e', 'it-apply', '--detailed-exitcode'])).code).toBe(0)
  })

  it('export, then plan against the same cluster: no changes', async () => {
    const out = `${dir}-exported`
    // Users stay out: other tests' SCRAM users share this cluster, and their passwords cannot be exported.
    const exp = await run(['export', '-e', 'it-apply', '-o', out, '--no-users'])
    expect(exp.code, exp.stderr).toBe(0)
    const plan = await streamctl(['plan', '-e', 'it-apply', '-f', out, '--detailed-exitcode'], {env})
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    expect(plan.stdout).toContain('No changes')
  })

  it('history lists every apply with its result', async () => {
    const h = await run(['history', '-e', 'it-apply', '--json'])
    expect(h.code, h.stderr).toBe(0)
    const results = JSON.parse(h.stdout).records.map((r: {result: string}) => r.result)
    expect(results).toEqual(['applied', 'no-changes', 'applied'])
  })
})

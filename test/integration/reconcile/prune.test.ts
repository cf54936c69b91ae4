import {rmSync} from 'node:fs'
import {afterAll, describe, expect, it} from 'vitest'
import {streamctl} from '../dev/cli.js'
import {kafkaTool, singleCluster, uniquePrefix} from '../harness.js'
import {environmentYaml, topicYaml, writeEstate} from './estate.js'

/**
 * Removals, blocked changes and the lint gate end to end on the single-node cluster (which runs
 * the StandardAuthorizer). Every ACL is read back with Kafka's own kafka-acls tool, not through
 * streamctl. Tests in a describe block build on each other.
 */
const cluster = singleCluster()

/** Every ACL on the cluster as `principal|resourceType|name|patternType|operation` lines (kafka-acls --list). */
async function aclLines(): Promise<string[]> {
  const r = await kafkaTool('acls', ['--list'])
  expect(r.code, r.stderr).toBe(0)
  const out: string[] = []
  let resource = ''
  for (const line of r.stdout.split('\n')) {
    const res = /ResourcePattern\(resourceType=(\w+), name=(.*?), patternType=(\w+)\)/.exec(line)
    if (res) resource = `${res[1]}|${res[2]}|${res[3]}`
    const acl = /\(principal=(.*?), host=.*?, operation=(\w+), permissionType=(\w+)\)/.exec(line)
    if (acl && resource) {
      const [type, name, pattern] = resource.split('|')
      out.push(`${acl[1]}|${type}|${name}|${pattern}|${acl[2]}`)
    }
  }
  return out
}

function serviceYaml(name: string, spec: string): string {
  return `apiVersion: streamctl/v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n${spec}\n`
}

describe('removing things removes them', () => {
  const prefix = uniquePrefix('reconcile prune')
  const p = prefix.replace(/[^a-z0-9]/g, '')
  const orders = `${prefix}orders.v1`
  const stock = `${prefix}stock.v1`
  const principal = {writer: `User:${p}-writer`, reader: `User:${p}-reader`, plain: `User:${p}-plain`, outsider: `User:${p}-outsider`}
  const dirs: string[] = []
  let dir: string
  const run = (args: string[]) => streamctl([...args, '-f', dir])
  afterAll(() => {
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
  })
  const mine = async (): Promise<string[]> => (await aclLines()).filter((l) => l.includes(p))

  const full = (): Record<string, string> => ({
    'env.yaml': environmentYaml('it-prune', cluster, prefix),
    'topics.yaml': [topicYaml({name: orders, owner: 'writer', partitions: 1}), topicYaml({name: stock, owner: 'writer', partitions: 1})].join('---\n'),
    'services.yaml': [
      serviceYaml('writer', `  principal: ${principal.writer}\n  produces: [${orders}, ${stock}]\n  transactionalId: ${p}-tx`),
      serviceYaml('reader', `  principal: ${principal.reader}\n  consumes:\n    - {topic: ${orders}, groups: [${p}-orders], groupPrefixes: [${p}-replay-]}`),
      // No groups declared: the convention grants the group named after the service.
      serviceYaml(`${p}-plain`, `  principal: ${principal.plain}\n  consumes: [${stock}]`),
    ].join('---\n'),
  })

  it('applies Services with declared groups, group prefixes and the conventional group', async () => {
    dir = writeEstate(undefined, full())
    dirs.push(dir)
    const r = await run(['apply', '-e', 'it-prune', '--auto-approve'])
    expect(r.code, r.stderr).toBe(0)
    const acls = await mine()
    expect(acls).toContain(`${principal.reader}|GROUP|${p}-orders|LITERAL|READ`)
    expect(acls).toContain(`${principal.reader}|GROUP|${p}-replay-|PREFIXED|READ`)
    expect(acls).toContain(`${principal.plain}|GROUP|${p}-plain|LITERAL|READ`)
    expect(acls).toContain(`${principal.reader}|TOPIC|${orders}|LITERAL|READ`)
    // A principal no manifest declares, granted by hand on a topic that stays and on a group.
    for (const args of [['--topic', stock, '--operation', 'Read'], ['--group', `${p}-outsider`, '--operation', 'Read'], ['--topic', orders, '--operation', 'Describe']]) {
      const add = await kafkaTool('acls', ['--add', '--allow-principal', principal.outsider, ...args])
      expect(add.code, add.stderr).toBe(0)
    }
  })

  it('removing a Service and its topic deletes every ACL of both, and keeps the outsider\'s other grants', async () => {
    writeEstate(dir, {
      'topics.yaml': topicYaml({name: stock, owner: 'writer', partitions: 1}),
      'services.yaml': [
        serviceYaml('writer', `  principal: ${principal.writer}\n  produces: [${stock}]\n  transactionalId: ${p}-tx`),
        serviceYaml(`${p}-plain`, `  principal: ${principal.plain}\n  consumes: [${stock}]`),
      ].join('---\n'),
    })
    const plan = await run(['plan', '-e', 'it-prune', '--detailed-exitcode'])
    expect(plan.code, plan.stderr).toBe(2)
    expect(plan.stdout).toContain(`- topic ${orders}`)
    expect(plan.stdout).toContain(`- principal ${principal.reader}`)
    const json = JSON.parse((await run(['plan', '-e', 'it-prune', '--json'])).stdout) as {actions: {kind: string; reason: string; acl?: {principal: string; resourceType: string}}[]}
    const readerGroups = json.actions.filter((a) => a.kind === 'acl.delete' && a.acl?.principal === principal.reader && a.acl.resourceType === 'GROUP')
    expect(readerGroups).toHaveLength(2)
    for (const a of readerGroups) expect(a.reason).toContain('this environment applied ACLs for')
    const r = await run(['apply', '-e', 'it-prune', '--auto-approve'])
    expect(r.code, r.stderr).toBe(0)

    const acls = await mine()
    // Nothing on the deleted topic, whoever the principal (the outsider's DESCRIBE too).
    expect(acls.filter((l) => l.includes(`|${orders}|`))).toEqual([])
    // The removed Service's principal has no ACL left anywhere (it was recorded as applied before).
    expect(acls.filter((l) => l.startsWith(`${principal.reader}|`))).toEqual([])
    // The principal outside the scope keeps what does not belong to a deleted topic.
    expect(acls).toContain(`${principal.outsider}|TOPIC|${stock}|LITERAL|READ`)
    expect(acls).toContain(`${principal.outsider}|GROUP|${p}-outsider|LITERAL|READ`)
    expect(acls).toContain(`${principal.writer}|TOPIC|${stock}|LITERAL|WRITE`)

    const again = await run(['plan', '-e', 'it-prune', '--detailed-exitcode'])
    expect(again.code, again.stdout + again.stderr).toBe(0)
    expect(again.stdout).toContain('No changes. The cluster matches the manifests.')
  })

  it('re-creating the topic of the same name gives old principals no access', async () => {
    writeEstate(dir, {'topics.yaml': [topicYaml({name: stock, owner: 'writer', partitions: 1}), topicYaml({name: orders, owner: 'writer', partitions: 1})].join('---\n')})
    const r = await run(['apply', '-e', 'it-prune', '--auto-approve'])
    expect(r.code, r.stderr).toBe(0)
    const onOrders = (await mine()).filter((l) => l.includes(`|${orders}|`))
    expect(onOrders.every((l) => l.startsWith(`${principal.writer}|`)), onOrders.join('\n')).toBe(true)
  })
})

describe('blocked is not success', () => {
  const prefix = uniquePrefix('reconcile blocked')
  const p = prefix.replace(/[^a-z0-9]/g, '')
  const big = `${prefix}big.v1`
  const small = `${prefix}small.v1`
  const reader = `User:${p}-reader`
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
  })
  // Replication factor 3 on a single broker: the create is blocked.
  const estate = (withSmall: boolean): string => {
    const d = writeEstate(undefined, {
      'env.yaml': environmentYaml('it-blocked', cluster, prefix),
      'topics.yaml': [
        `${topicYaml({name: big, owner: 'reader', partitions: 1})}  replicationFactor: 3\n`,
        ...(withSmall ? [topicYaml({name: small, owner: 'reader', partitions: 1})] : []),
      ].join('---\n'),
      'services.yaml': serviceYaml('reader', `  principal: ${reader}\n  consumes: [${[big, ...(withSmall ? [small] : [])].join(', ')}]`),
    })
    dirs.push(d)
    return d
  }

  it('a blocked-only plan exits 3 with --detailed-exitcode and never says the cluster matches', async () => {
    const d = estate(false)
    const r = await streamctl(['plan', '-e', 'it-blocked', '-f', d, '--detailed-exitcode'])
    expect(r.code, r.stdout + r.stderr).toBe(3)
    expect(r.stdout).not.toMatch(/matches the manifests|No changes/)
    expect(r.stdout).toContain('will not match the manifests')
    const plain = await streamctl(['plan', '-e', 'it-blocked', '-f', d])
    expect(plain.code, plain.stderr).toBe(0)
  })

  it('apply creates the rest, withholds the ACLs of the blocked topic, and exits 3 naming each blocked item', async () => {
    const d = estate(true)
    const r = await streamctl(['apply', '-e', 'it-blocked', '-f', d, '--auto-approve'])
    expect(r.code, r.stdout + r.stderr).toBe(3)
    expect(r.stderr).toContain(`blocked: Topic/${big} [topic.replication.above-brokers]`)
    expect(r.stderr).toContain(`blocked: Topic/${big} [dependency.blocked]`)
    expect(r.stderr).toMatch(/--allow-blocked/)
    const topics = await kafkaTool('topics', ['--list'])
    expect(topics.stdout.split('\n')).toContain(small)
    expect(topics.stdout.split('\n')).not.toContain(big)
    const acls = (await aclLines()).filter((l) => l.startsWith(`${reader}|`))
    expect(acls).toContain(`${reader}|TOPIC|${small}|LITERAL|READ`)
    expect(acls.filter((l) => l.includes(`|${big}|`))).toEqual([])

    const accepted = await streamctl(['apply', '-e', 'it-blocked', '-f', d, '--auto-approve', '--allow-blocked'])
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0)
    expect(accepted.stdout).toContain('No changes applied')
    expect(accepted.stderr).toContain('accepted (--allow-blocked)')
  })
})

describe('apply enforces what lint proves', () => {
  const prefix = uniquePrefix('reconcile lint gate')
  const topic = `${prefix}gated.v1`
  let dir: string
  afterAll(() => {
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('refuses an estate with lint errors, touching nothing, unless --skip-lint', async () => {
    dir = writeEstate(undefined, {
      'env.yaml': environmentYaml('it-lint', cluster, prefix),
      'topics.yaml': topicYaml({name: topic, partitions: 1}),
      'policy.yaml': 'apiVersion: streamctl/v1\nkind: Policy\nmetadata: {name: typo}\nspec:\n  rules: {owner-requird: off}\n',
    })
    for (const cmd of ['plan', 'apply']) {
      const r = await streamctl([cmd, '-e', 'it-lint', '-f', dir, '--auto-approve'].filter((a) => cmd === 'apply' || a !== '--auto-approve'))
      expect(r.code, r.stdout + r.stderr).toBe(1)
      expect(r.stderr).toContain('unknown lint rule "owner-requird"')
      expect(r.stderr).toContain('--skip-lint')
    }
    expect((await kafkaTool('topics', ['--list'])).stdout.split('\n')).not.toContain(topic)
    const skipped = await streamctl(['apply', '-e', 'it-lint', '-f', dir, '--auto-approve', '--skip-lint'])
    expect(skipped.code, skipped.stdout + skipped.stderr).toBe(0)
    expect(skipped.stderr).toContain('warning: unknown lint rule')
    expect((await kafkaTool('topics', ['--list'])).stdout.split('\n')).toContain(topic)
  })
})

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {devDown, devUp, killClusterSync} from '../../../src/dev/index.js'
import {streamctl} from '../dev/cli.js'
import {hasSecureCluster, kafkaTool, secureCluster, singleCluster, uniquePrefix, type TestCluster} from '../harness.js'
import {PASSWORD_VAR, environmentYaml, writeEstate} from './estate.js'

/**
 * Scale without a cliff, and apply returning only once its changes are visible: a 12,000-topic
 * estate applied onto the single-node cluster (one CreateTopics for all of it would exceed the
 * controller's 10,000-records-per-request limit), then a plan at once that must show no changes;
 * 6,000 ACLs likewise; on the 3-broker cluster, a plan through each broker alone right after apply.
 * Kafka's own tools read the results back. Tests in a describe build on each other.
 *
 * The 12,000 topics get a single-node cluster of their own with a 1 GB heap: the suite's shared
 * cluster runs with 512 MB, and with 12,000 partitions it stopped answering (a 15 s Metadata
 * timeout, then connection refused) — measured here, 2026-12-03. Open files are no limit: one log
 * segment (one descriptor) per single-partition topic fits the 20,000 the dev cluster raises to.
 */
const TOPICS = Number(process.env.STREAMCTL_IT_SCALE_TOPICS ?? 12_000)
const LONG = 900_000

function topicsYaml(prefix: string, n: number): string {
  const docs: string[] = []
  for (let i = 0; i < n; i++) {
    // A third carry configs: the records a request costs are 1 + partitions + configs, not one per topic.
    const config = i % 3 === 0 ? `\n  config: {retention.ms: ${3_600_000 * (1 + (i % 24))}, max.message.bytes: 2097152}` : ''
    docs.push(`apiVersion: streamctl/v1\nkind: Topic\nmetadata: {name: ${prefix}t${String(i).padStart(5, '0')}}\nspec:\n  partitions: 1\n  policy: stream${config}\n`)
  }
  return docs.join('---\n')
}

/** `principals` raw Acl resources of `grants` grants each, on topics under the prefix (the topics need not exist). */
function aclsYaml(prefix: string, principals: number, grants: number, variant = 0): string {
  const p = prefix.replace(/[^a-z0-9]/g, '')
  const ops = ['READ', 'WRITE', 'DESCRIBE', 'DESCRIBE_CONFIGS']
  return Array.from({length: principals}, (_, u) => {
    const lines = Array.from({length: grants}, (_, g) => {
      const op = ops[(g + variant) % ops.length]
      return `    - {resourceType: TOPIC, resourceName: ${prefix}acl${String(g + variant * grants).padStart(5, '0')}, operation: ${op}}`
    })
    return `apiVersion: streamctl/v1\nkind: Acl\nmetadata: {name: ${p}-u${u}}\nspec:\n  principal: User:${p}-u${u}\n  grants:\n${lines.join('\n')}\n`
  }).join('---\n')
}

/** What a plan that should be clean printed instead: its summary and the changes it lists (not the unmanaged list). */
function planTrouble(r: {stdout: string; stderr: string}): string {
  const lines = r.stdout.split('\n').filter((l) => /^Plan:|^\s*[-+~!]|blocked|error/i.test(l))
  return [...lines.slice(0, 40), r.stderr.slice(-1500)].join('\n')
}

function envFor(cluster: TestCluster, name: string, prefix: string, bootstrap?: string): string {
  return environmentYaml(name, bootstrap ? {...cluster, bootstrap: [bootstrap]} : cluster, prefix)
}

describe('apply at scale on a single-node cluster', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'streamctl-it-scale-'))
  let cluster: TestCluster
  const prefix = uniquePrefix('scale topics')
  let dir: string
  const run = (args: string[]) => streamctl([...args, '-f', dir], {timeoutMs: LONG})
  beforeAll(async () => {
    const info = await devUp({dataDir, brokers: 1, registry: false, heap: '1g'})
    cluster = {...singleCluster(), bootstrap: info.bootstrap, connection: {bootstrap: info.bootstrap}, clusterId: info.clusterId, dataDir}
  }, 180_000)
  afterAll(async () => {
    await devDown({dataDir, graceMs: 10_000}).catch(() => undefined)
    killClusterSync(dataDir)
    rmSync(dataDir, {recursive: true, force: true})
    if (dir) rmSync(dir, {recursive: true, force: true})
  }, 60_000)

  it(`applies ${TOPICS.toLocaleString('en')} topics onto an empty prefix, and a plan right after shows no changes`, async () => {
    dir = writeEstate(undefined, {'env.yaml': envFor(cluster, 'it-scale', prefix), 'topics.yaml': topicsYaml(prefix, TOPICS)})
    const t0 = performance.now()
    const applied = await run(['apply', '-e', 'it-scale', '--auto-approve'])
    const applyMs = Math.round(performance.now() - t0)
    expect(applied.code, applied.stderr.slice(-2000)).toBe(0)
    expect(applied.stdout).toContain(`Apply complete: ${TOPICS} change(s) made.`)
    expect(applied.stdout).toMatch(/Visible on all 1 broker\(s\) after [\d.]+ s\./)
    // Linear output: a line per topic in the plan, nothing quadratic.
    expect(applied.stdout.length + applied.stderr.length).toBeLessThan(TOPICS * 400)

    const t1 = performance.now()
    const plan = await run(['plan', '-e', 'it-scale', '--detailed-exitcode'])
    const planMs = Math.round(performance.now() - t1)
    expect(plan.code, planTrouble(plan)).toBe(0)
    expect(plan.stdout).toContain('No changes')
    console.log(`scale: apply of ${TOPICS} topics ${applyMs} ms; plan right after ${planMs} ms`)

    // Kafka's own tool counts the topics and reads one config back.
    const listed = (await kafkaTool('topics', ['--list'], {cluster, timeoutMs: 120_000})).stdout.split('\n').filter((l) => l.startsWith(prefix))
    expect(listed).toHaveLength(TOPICS)
    const configs = (await kafkaTool('configs', ['--describe', '--entity-type', 'topics', '--entity-name', `${prefix}t00003`], {cluster})).stdout
    expect(configs).toContain('retention.ms=14400000')
    expect(configs).toContain('max.message.bytes=2097152')
  }, LONG)

  it('removing them from the manifests deletes every one (batched DeleteTopics), and the next plan is clean', async () => {
    writeEstate(dir, {'topics.yaml': topicsYaml(prefix, 1)})
    const applied = await run(['apply', '-e', 'it-scale', '--auto-approve'])
    expect(applied.code, applied.stderr.slice(-2000)).toBe(0)
    expect(applied.stdout).toContain(`Apply complete: ${TOPICS - 1} change(s) made.`)
    const plan = await run(['plan', '-e', 'it-scale', '--detailed-exitcode'])
    expect(plan.code, planTrouble(plan)).toBe(0)
    const listed = (await kafkaTool('topics', ['--list'], {cluster, timeoutMs: 120_000})).stdout.split('\n').filter((l) => l.startsWith(prefix))
    expect(listed).toEqual([`${prefix}t00000`])
  }, LONG)
})

describe('ACLs at scale on the single-node cluster', () => {
  const cluster = singleCluster()
  const prefix = uniquePrefix('scale acls')
  let dir: string
  const run = (args: string[]) => streamctl([...args, '-f', dir], {timeoutMs: LONG})
  afterAll(() => { if (dir) rmSync(dir, {recursive: true, force: true}) })
  const countAcls = async (): Promise<number> => {
    const out = (await kafkaTool('acls', ['--list', '--resource-pattern-type', 'any'], {cluster, timeoutMs: 120_000})).stdout
    return out.split('\n').filter((l) => l.includes(`User:${prefix.replace(/[^a-z0-9]/g, '')}-u`)).length
  }

  it('creates 6,000 ACLs, and a plan right after shows no changes', async () => {
    dir = writeEstate(undefined, {'env.yaml': envFor(cluster, 'it-scale-acls', prefix), 'acls.yaml': aclsYaml(prefix, 60, 100)})
    const applied = await run(['apply', '-e', 'it-scale-acls', '--auto-approve'])
    expect(applied.code, applied.stderr.slice(-2000)).toBe(0)
    expect(applied.stdout).toContain('Apply complete: 6000 change(s) made.')
    const plan = await run(['plan', '-e', 'it-scale-acls', '--detailed-exitcode'])
    expect(plan.code, planTrouble(plan)).toBe(0)
    expect(await countAcls()).toBe(6000)
  }, LONG)

  it('replaces 3,000 of them (3,000 deletions and 3,000 creations), and a plan right after shows no changes', async () => {
    const half = aclsYaml(prefix, 30, 100)
    const moved = aclsYaml(prefix, 60, 100, 1).split('---\n').slice(30).join('---\n')
    writeEstate(dir, {'acls.yaml': `${half}---\n${moved}`})
    const applied = await run(['apply', '-e', 'it-scale-acls', '--auto-approve'])
    expect(applied.code, applied.stderr.slice(-2000)).toBe(0)
    expect(applied.stdout).toContain('Apply complete: 6000 change(s) made.')
    const plan = await run(['plan', '-e', 'it-scale-acls', '--detailed-exitcode'])
    expect(plan.code, planTrouble(plan)).toBe(0)
    expect(await countAcls()).toBe(6000)
  }, LONG)
})

describe.skipIf(!hasSecureCluster())('apply is visible on every broker of the 3-broker cluster', () => {
  const cluster = hasSecureCluster() ? secureCluster() : undefined!
  const prefix = uniquePrefix('scale brokers')
  const env = {[PASSWORD_VAR]: cluster?.adminCredentials?.password ?? ''}
  let dir: string
  const run = (args: string[]) => streamctl([...args, '-f', dir], {env, timeoutMs: LONG})
  afterAll(() => { if (dir) rmSync(dir, {recursive: true, force: true}) })

  it('after applying 300 topics and 6,000 ACLs, a plan through each broker alone shows no changes', async () => {
    // One Environment per broker, each bootstrapping from that broker only: a plan then reads that broker's metadata and ACLs.
    const perBroker = cluster.bootstrap.map((b, i) => envFor(cluster, `it-scale-b${i}`, prefix, b))
    dir = writeEstate(undefined, {
      'env.yaml': [envFor(cluster, 'it-scale-3', prefix), ...perBroker].join('---\n'),
      'topics.yaml': topicsYaml(prefix, 300).replaceAll('partitions: 1', 'partitions: 2'),
      'acls.yaml': aclsYaml(prefix, 60, 100),
    })
    const applied = await run(['apply', '-e', 'it-scale-3', '--auto-approve'])
    expect(applied.code, applied.stderr.slice(-2000)).toBe(0)
    expect(applied.stdout).toContain('Apply complete: 6300 change(s) made.')
    const plans = await Promise.all(cluster.bootstrap.map((_, i) => run(['plan', '-e', `it-scale-b${i}`, '--detailed-exitcode'])))
    for (const p of plans) expect(p.code, planTrouble(p)).toBe(0)
    expect(applied.stdout).toMatch(/Visible on all 3 broker\(s\)/)
  }, LONG)
})

import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {rmSync} from 'node:fs'
import {afterAll, describe, expect, it} from 'vitest'
import {streamctl} from '../dev/cli.js'
import {kcatArgs, librdkafkaProps, run} from '../dev/clients.js'
import {createTopicsAndWait, hasSecureCluster, kafkaTool, kcatBin, pythonBin, secureCluster, singleCluster, uniquePrefix} from '../harness.js'
import {PASSWORD_VAR, environmentYaml, topicYaml, writeEstate} from './estate.js'

/**
 * Plans that know who uses a topic, on the single-node dev cluster, with confluent-kafka as the
 * independent reader and writer: a delete is blocked while a group reads or holds offsets or a
 * record is recent; a retention cut reports what it deletes (checked against kcat's offsets-for-
 * times) and is blocked while an active group is behind.
 */
const PRODUCE = `
import json, sys
from confluent_kafka import Producer
props = json.loads(sys.argv[1]); topic = sys.argv[2]; spec = json.loads(sys.argv[3])
p = Producer({**props, 'acks': 'all', 'enable.idempotence': True, 'linger.ms': 0})
errors = []
for i, (partition, ts) in enumerate(spec):
    p.produce(topic, value=('v%d' % i).encode(), key=('k%d' % i).encode(), partition=partition, timestamp=ts,
              on_delivery=lambda err, msg: errors.append(str(err)) if err else None)
left = p.flush(30)
if left or errors:
    print('produce failed:', errors or left, file=sys.stderr); sys.exit(3)
`

/** A member that stays in its group (heartbeating) with offset \`commit\` committed on every partition, until its stdin closes. */
const READER = `
import json, sys, threading, time
from confluent_kafka import Consumer, TopicPartition
props = json.loads(sys.argv[1]); topic = sys.argv[2]; group = sys.argv[3]; commit = int(sys.argv[4]); protocol = sys.argv[5]
conf = {**props, 'group.id': group, 'client.id': 'impact-reader', 'enable.auto.commit': False, 'auto.offset.reset': 'earliest'}
if protocol == 'consumer':
    conf['group.protocol'] = 'consumer'
c = Consumer(conf)
c.subscribe([topic])
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
deadline = time.time() + 60
while not c.assignment() and time.time() < deadline:
    c.poll(0.2)
if not c.assignment():
    print('no assignment', file=sys.stderr); sys.exit(5)
c.commit(offsets=[TopicPartition(topic, tp.partition, commit) for tp in c.assignment()], asynchronous=False)
print('ready', flush=True)
while not done.is_set():
    c.poll(0.2)
c.close()
`

interface Reader {
  readonly child: ChildProcessWithoutNullStreams
  stop(): Promise<void>
}

function startReader(props: Record<string, string>, topic: string, group: string, commit: number, protocol: 'classic' | 'consumer'): Promise<Reader> {
  const child = spawn(pythonBin(), ['-c', READER, JSON.stringify(props), topic, group, String(commit), protocol])
  let err = ''
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    child.stdin.end()
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))])
    if (child.exitCode === null) child.kill('SIGKILL')
  }
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve({child, stop}) })
    child.on('exit', (code) => reject(new Error(`reader exited ${code}: ${err}`)))
  })
}

async function produce(props: Record<string, string>, topic: string, spec: readonly (readonly [number, number])[]): Promise<void> {
  const r = await run(pythonBin(), ['-c', PRODUCE, JSON.stringify(props), topic, JSON.stringify(spec)])
  expect(r.code, r.stderr).toBe(0)
}

describe('plan impact on the single-node cluster', () => {
  const cluster = singleCluster()
  const props = librdkafkaProps(cluster)
  const prefix = uniquePrefix('impact')
  const doomed = `${prefix}doomed.v1`
  const kept = `${prefix}kept.v1`
  const group = `${prefix.replace(/[^a-z0-9]/g, '')}-readers`
  const nextGroup = `${group}-next`
  const readers: Reader[] = []
  let dir: string | undefined
  const envName = 'it-impact'
  const files = (retentionMs: number, safety = ''): Record<string, string> => ({
    'env.yaml': environmentYaml(envName, cluster, prefix, safety),
    'topics.yaml': topicYaml({name: kept, partitions: 1, config: {'retention.ms': retentionMs}}),
  })
  const plan = (extra: string[] = []) => streamctl(['plan', '-e', envName, '-f', dir!, ...extra])
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.stop()))
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('blocks deleting a topic that groups read, naming the groups, their lag and the producer', async () => {
    await createTopicsAndWait(cluster, [{topic: doomed, numPartitions: 2, replicationFactor: 1}])
    // 30 records per partition by an idempotent producer, stamped two days ago (within the 7-day default window).
    const twoDaysAgo = Date.now() - 2 * 86_400_000
    await produce(props, doomed, [0, 1].flatMap((p) => Array.from({length: 30}, (_, i) => [p, twoDaysAgo + i] as const)))
    readers.push(await startReader(props, doomed, group, 10, 'classic'))
    readers.push(await startReader(props, doomed, nextGroup, 25, 'consumer'))
    dir = writeEstate(undefined, files(604_800_000))

    const r = await plan(['--json'])
    expect(r.code, r.stderr).toBe(0)
    const p = JSON.parse(r.stdout)
    expect(p.formatVersion).toBe(3)
    expect(p.actions.map((a: {id: string}) => a.id)).not.toContain(`topic.delete:${doomed}`)
    const blocked = p.blocked.find((b: {kind: string}) => b.kind === 'topic.delete.active')
    expect(blocked.action).toBe(`topic.delete:${doomed}`)
    // Classic group: 2 partitions × (30 − 10) behind; the KIP-848 group: 2 × (30 − 25).
    expect(blocked.reason).toContain(`group ${group} (Stable, 1 member (impact-reader), lag 40)`)
    expect(blocked.reason).toContain(`group ${nextGroup} (Stable, 1 member (impact-reader), lag 10)`)
    expect(blocked.reason).toMatch(/last written 20\d\d-/)
    expect(blocked.wayOut).toContain(`--allow-active-delete ${doomed}`)
    const impact = p.impact.find((i: {topic: string}) => i.topic === doomed)
    expect(impact.records).toBe(60)
    expect(impact.producers.length).toBeGreaterThanOrEqual(1)
    expect(impact.groups.map((g: {groupId: string; type: string}) => `${g.groupId}:${g.type}`).sort()).toEqual([`${group}:classic`, `${nextGroup}:consumer`].sort())

    const exit = await plan(['--detailed-exitcode'])
    expect(exit.code, exit.stderr).toBe(3)
    expect(exit.stdout).toContain('Impact')
    expect(exit.stdout).toContain(`group ${group}: Stable, 1 member(s) (impact-reader), lag 40`)
    const md = await plan(['--markdown'])
    expect(md.stdout).toContain('#### Impact')
    expect(md.stdout).toContain('blocked by active-delete')

    // Named on the command line, the delete goes ahead, with the impact still shown.
    const allowed = JSON.parse((await plan(['--json', '--allow-active-delete', doomed])).stdout)
    expect(allowed.actions.map((a: {id: string}) => a.id)).toContain(`topic.delete:${doomed}`)
    expect(allowed.options.allowActiveDelete).toEqual([doomed])
    expect(allowed.impact.find((i: {topic: string}) => i.topic === doomed).groups).toHaveLength(2)
  })

  it('with the groups gone and no write inside the window, plans the delete with its size', async () => {
    await Promise.all(readers.splice(0).map((r) => r.stop()))
    for (const g of [group, nextGroup]) {
      const del = await kafkaTool('consumer-groups', ['--delete', '--group', g], {cluster})
      expect(del.stdout + del.stderr).toMatch(/successful/i)
    }
    // Written two days ago: inside the 7-day default window, still blocked...
    const stillRecent = JSON.parse((await plan(['--json'])).stdout)
    const b = stillRecent.blocked.find((x: {kind: string}) => x.kind === 'topic.delete.active')
    expect(b.reason).not.toContain('group ')
    expect(b.reason).toMatch(/last written .* within the 7d window/)
    // ...outside a 1-day one.
    writeEstate(dir, files(604_800_000, '  safety:\n    active-delete: {severity: error, options: {window: 1d}}\n'))
    const r = await plan(['--json'])
    const p = JSON.parse(r.stdout)
    expect(p.actions.map((a: {id: string}) => a.id)).toContain(`topic.delete:${doomed}`)
    const impact = p.impact.find((i: {topic: string}) => i.topic === doomed)
    expect(impact.deletes.records).toBe(60)
    // Size as Kafka's own log-dirs tool reports it.
    const dirs = await kafkaTool('log-dirs', ['--describe', '--topic-list', doomed], {cluster})
    const json = JSON.parse(dirs.stdout.split('\n').find((l) => l.startsWith('{'))!)
    const size = json.brokers.flatMap((br: {logDirs: {partitions: {size: number}[]}[]}) => br.logDirs.flatMap((d) => d.partitions.map((x) => x.size))).reduce((a: number, x: number) => a + x, 0)
    expect(size).toBeGreaterThan(0)
    expect(impact.deletes.bytes).toBe(size)
  }, 120_000)

  it('a retention cut reports what it deletes (as kcat finds by timestamp) and is blocked while an active group is behind', async () => {
    writeEstate(dir, files(604_800_000))
    const applied = await streamctl(['apply', '-e', envName, '-f', dir!, '--auto-approve', '--allow-active-delete', doomed])
    expect(applied.code, applied.stderr).toBe(0)
    // 30 records over the last three hours, one every 6 minutes from 177 minutes ago: 20 are older than an hour.
    const now = Date.now()
    await produce(props, kept, Array.from({length: 30}, (_, i) => [0, now - (177 - 6 * i) * 60_000] as const))
    readers.push(await startReader(props, kept, group, 5, 'classic'))

    writeEstate(dir, files(3_600_000))
    const p = JSON.parse((await plan(['--json'])).stdout)
    const blocked = p.blocked.find((b: {kind: string}) => b.kind === 'topic.retention.unconsumed')
    expect(blocked?.reason).toContain(`group ${group} (Stable, 1 member) has not consumed 15 records the cut deletes`)
    expect(p.actions.map((a: {id: string}) => a.id)).not.toContain(`topic.config.alter:${kept}`)
    const impact = p.impact.find((i: {topic: string}) => i.topic === kept)
    expect(impact.deletes.records).toBe(20)

    // Independently: kcat's offsets-for-times at the same cutoff.
    const cutoff = Date.parse(impact.deletes.olderThan)
    const kcat = kcatBin()
    if (kcat) {
      const q = await run(kcat, [...kcatArgs(cluster), '-Q', '-t', `${kept}:0:${cutoff}`])
      expect(q.code, q.stderr).toBe(0)
      expect(q.stdout).toMatch(new RegExp(`${kept.replace(/\./g, '\\.')} \\[0\\]\\s+offset 20`))
    }

    await Promise.all(readers.splice(0).map((r) => r.stop()))
    const after = JSON.parse((await plan(['--json'])).stdout)
    expect(after.actions.map((a: {id: string}) => a.id)).toContain(`topic.config.alter:${kept}`)
    const i2 = after.impact.find((i: {topic: string}) => i.topic === kept)
    expect(i2.deletes.records).toBe(20)
    expect(i2.deletes.bytes).toBeGreaterThan(0)
    expect(i2.groups[0]).toMatchObject({groupId: group, members: 0, lag: 25})
  }, 120_000)
})

describe.skipIf(!hasSecureCluster())('plan impact on the 3-broker secure cluster', () => {
  const cluster = hasSecureCluster() ? secureCluster() : undefined!
  const prefix = uniquePrefix('impact secure')
  const doomed = `${prefix}doomed.v1`
  const env = {[PASSWORD_VAR]: cluster?.adminCredentials?.password ?? ''}
  const readers: Reader[] = []
  let dir: string | undefined
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.stop()))
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('finds every group at its own coordinator, and never prints the password', async () => {
    const props = librdkafkaProps(cluster)
    await createTopicsAndWait(cluster, [{topic: doomed, numPartitions: 3, replicationFactor: 3}])
    await produce(props, doomed, [0, 1, 2].flatMap((p) => Array.from({length: 10}, (_, i) => [p, Date.now() - 3 * 86_400_000 + i] as const)))
    const groups = Array.from({length: 6}, (_, i) => `${prefix.replace(/[^a-z0-9]/g, '')}-g${i}`)
    for (const [i, g] of groups.entries()) readers.push(await startReader(props, doomed, g, i, 'classic'))
    dir = writeEstate(undefined, {'env.yaml': environmentYaml('it-impact-secure', cluster, prefix)})
    const r = await streamctl(['plan', '-e', 'it-impact-secure', '-f', dir, '--json'], {env})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout + r.stderr).not.toContain(env[PASSWORD_VAR])
    const p = JSON.parse(r.stdout)
    const impact = p.impact.find((i: {topic: string}) => i.topic === doomed)
    // Six groups, committed at 0..5 on 3 partitions of 10 records: lag 3 × (10 − i).
    expect(impact.groups.map((g: {groupId: string; lag: number}) => `${g.groupId}=${g.lag}`).sort()).toEqual(groups.map((g, i) => `${g}=${3 * (10 - i)}`).sort())
    expect(p.blocked.find((b: {kind: string}) => b.kind === 'topic.delete.active').action).toBe(`topic.delete:${doomed}`)
  }, 120_000)

  it('a principal that may not see every group or producer gets the delete blocked for what it cannot read, not a failed plan; granted, it sees the reader', async () => {
    const props = librdkafkaProps(cluster)
    const topic = `${doomed}.hidden`
    await createTopicsAndWait(cluster, [{topic, numPartitions: 1, replicationFactor: 3}])
    await produce(props, topic, Array.from({length: 5}, (_, i) => [0, Date.now() - 3 * 86_400_000 + i] as const))
    const group = `${prefix.replace(/[^a-z0-9]/g, '')}-hidden-reader`
    readers.push(await startReader(props, topic, group, 2, 'classic'))
    // A planner with what plan needs on the estate's topics, but no DESCRIBE on the cluster and no READ.
    const user = `it-planner-${randomBytes(3).toString('hex')}`
    const password = randomBytes(12).toString('hex')
    const tool = async (cmd: string, args: string[]) => {
      const r = await kafkaTool(cmd, args, {cluster})
      expect(r.code, r.stderr).toBe(0)
    }
    await tool('configs', ['--alter', '--entity-type', 'users', '--entity-name', user, '--add-config', `SCRAM-SHA-512=[password=${password}]`])
    await tool('acls', ['--add', '--allow-principal', `User:${user}`, '--operation', 'Describe', '--operation', 'DescribeConfigs', '--operation', 'AlterConfigs', '--operation', 'Delete', '--topic', prefix, '--resource-pattern-type', 'prefixed'])
    await new Promise((r) => setTimeout(r, 1500)) // a fresh SCRAM credential reaches every broker through the metadata log
    const plannerCluster = {...cluster, adminCredentials: {username: user, password}}
    // Written three days ago: outside a 1-day window, so only what cannot be read stands in the way.
    const estate = writeEstate(undefined, {'env.yaml': environmentYaml('it-impact-planner', plannerCluster, prefix, '  safety:\n    active-delete: {severity: error, options: {window: 1d}}\n')})
    try {
      const plan = () => streamctl(['plan', '-e', 'it-impact-planner', '-f', estate, '--json', '--detailed-exitcode'], {env: {[PASSWORD_VAR]: password}})
      // Without READ on the ledger, plan says which grants it needs.
      const noLedger = await plan()
      expect(noLedger.code).not.toBe(0)
      expect(noLedger.stdout + noLedger.stderr).toContain('may not read _streamctl_principals')
      expect(noLedger.stdout + noLedger.stderr).toContain('grant it READ and DESCRIBE on topic _streamctl_principals and READ on groups prefixed _streamctl-reader-')
      await tool('acls', ['--add', '--allow-principal', `User:${user}`, '--operation', 'Read', '--operation', 'Describe', '--topic', '_streamctl_principals'])
      await tool('acls', ['--add', '--allow-principal', `User:${user}`, '--operation', 'Read', '--group', '_streamctl-reader-', '--resource-pattern-type', 'prefixed'])
      // Without DESCRIBE on the cluster, a plan that manages ACLs cannot list them: a clear refusal.
      const noCluster = await plan()
      expect(noCluster.code).not.toBe(0)
      expect(noCluster.stdout + noCluster.stderr).toContain('DescribeAcls failed: CLUSTER_AUTHORIZATION_FAILED')
      await tool('acls', ['--add', '--allow-principal', `User:${user}`, '--operation', 'Describe', '--cluster'])
      // Now it lists every group but may describe none of the others, nor read the topic's producers.
      const limited = await plan()
      expect(limited.code, limited.stdout + limited.stderr).toBe(3)
      expect(limited.stdout + limited.stderr).not.toContain(password)
      const p = JSON.parse(limited.stdout)
      const impact = p.impact.find((i: {topic: string}) => i.topic === topic)
      expect(impact.groups).toEqual([])
      expect(impact.unread.map((u: {part: string}) => u.part)).toEqual(['groups', 'producers'])
      const block = p.blocked.find((b: {action: string}) => b.action === `topic.delete:${topic}`)
      expect(block.reason).toContain(`deleting ${topic}: whether it is in use cannot be read in full: groups:`)
      // Other tests' groups on the same cluster are denied too: the first five are named, then a count.
      expect(block.reason).toMatch(new RegExp(`may not describe groups? [^;]*(${group}| and \\d+ more), which may read it`))
      expect(block.reason).toContain('grant it READ on the topic')
      const text = await streamctl(['plan', '-e', 'it-impact-planner', '-f', estate], {env: {[PASSWORD_VAR]: password}})
      expect(text.stdout).toContain('producers not read in full')

      // Granted what was missing: the reader shows, and the delete is blocked for the reader.
      await tool('acls', ['--add', '--allow-principal', `User:${user}`, '--operation', 'Read', '--topic', prefix, '--resource-pattern-type', 'prefixed'])
      // Every group: others' groups on this shared cluster would stay unread otherwise.
      await tool('acls', ['--add', '--allow-principal', `User:${user}`, '--operation', 'Describe', '--group', '*'])
      const granted = JSON.parse((await plan()).stdout)
      const seen = granted.impact.find((i: {topic: string}) => i.topic === topic)
      expect(seen.unread).toBeUndefined()
      expect(seen.groups.map((g: {groupId: string; lag: number}) => `${g.groupId}=${g.lag}`)).toEqual([`${group}=3`])
      expect(seen.bytes).toBeGreaterThan(0)
      expect(granted.blocked.find((b: {action: string}) => b.action === `topic.delete:${topic}`).reason).toContain(`read by group ${group}`)
    } finally {
      rmSync(estate, {recursive: true, force: true})
    }
  }, 180_000)
})

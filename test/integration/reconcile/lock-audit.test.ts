/**
 * The apply lock belongs to the cluster (its id), not to an environment's name; and the audit
 * trail shows every apply — one killed with kill -9 included — with a start record, the actions
 * it applied, and an end record. Kafka's own tools and the registry's REST API judge what was
 * really applied.
 */
import {spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it, onTestFinished} from 'vitest'
import {ClusterLock, clusterLockName} from '../../../src/apply/lock.js'
import {streamctl} from '../dev/cli.js'
import {kafkaTool, newKafkaJs, providedClusters, singleCluster, uniquePrefix} from '../harness.js'
import {environmentYaml, topicYaml, writeEstate} from './estate.js'

const RUNNER = fileURLToPath(new URL('../../../bin/dev.js', import.meta.url))
const single = singleCluster()
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, {recursive: true, force: true})))

interface Entry {
  applyId: string
  environment: string
  result: string
  pid?: number
  endedAt?: string
  error?: string
  actions: {total: number; done: number; failed: number}
  applied: {id: string; outcome: string}[]
}

async function history(env: string, dir: string): Promise<Entry[]> {
  const h = await streamctl(['history', '-e', env, '-f', dir, '--json'])
  expect(h.code, h.stderr).toBe(0)
  return (JSON.parse(h.stdout) as {records: Entry[]}).records
}

describe('one lock per cluster', () => {
  it('two environment names on one cluster (even spelled localhost and 127.0.0.1) contend for one lock', async () => {
    const prefix = uniquePrefix('cluster lock')
    const port = single.bootstrap[0]!.split(':')[1]!
    const dir = writeEstate(undefined, {
      'a.yaml': environmentYaml('it-lock-a', single, prefix),
      'b.yaml': environmentYaml('it-lock-b', {...single, bootstrap: [`localhost:${port}`]}, prefix),
      'topics.yaml': topicYaml({name: `${prefix}t.v1`, partitions: 1}),
    })
    dirs.push(dir)
    const kafka = newKafkaJs(single)
    const admin = kafka.admin()
    await admin.connect()
    // The holder is an apply of environment a, through the same library call the CLI makes.
    const held = await ClusterLock.forCluster(kafka, admin, {command: 'apply', environment: 'it-lock-a'})
    expect(held.lockName).toBe(clusterLockName(single.clusterId))
    await held.acquire()
    try {
      const b = await streamctl(['apply', '-e', 'it-lock-b', '-f', dir, '--auto-approve'])
      expect(b.code).toBe(1)
      expect(b.stderr).toContain(`another apply (environment it-lock-a) holds the lock "apply/cluster/${single.clusterId}"`)
      expect((await kafkaTool('topics', ['--list'])).stdout).not.toContain(prefix)

      // b waits for the cluster's lock, and gets it once a releases it
      const waiting = streamctl(['apply', '-e', 'it-lock-b', '-f', dir, '--auto-approve', '--lock-wait', '60s'])
      await new Promise((r) => setTimeout(r, 2500))
      await held.release()
      const waited = await waiting
      expect(waited.code, waited.stderr).toBe(0)
      expect(waited.stdout).toContain('Apply complete')
    } finally {
      await held.release()
      await admin.disconnect()
    }

    // and a CLI apply of a holds the same lock b asks for: unlock through b breaks a's lock
    const unlock = await streamctl(['unlock', '-e', 'it-lock-b', '-f', dir])
    expect(unlock.code, unlock.stderr).toBe(0)
    expect(unlock.stdout).toContain(`"apply/cluster/${single.clusterId}"`)
  })
})

describe.skipIf(!providedClusters().single.registryUrl)('a complete audit', () => {
  it('kill -9 mid-apply: history shows its start, the actions it applied and, once the lock is broken, its end', async () => {
    const prefix = uniquePrefix('audit kill')
    const env = 'it-audit-kill'
    const registry = single.registryUrl!
    const subjects = Array.from({length: 150}, (_, i) => `${prefix}s${i}-value`)
    const topics = [0, 1, 2].map((i) => `${prefix}t${i}.v1`)
    const dir = writeEstate(undefined, {
      'env.yaml': environmentYaml(env, single, prefix, `  registry: {url: '${registry}'}\n`),
      'topics.yaml': topics.map((name) => topicYaml({name, partitions: 1})).join('---\n'),
      // One registration per request: a long, observable run of small batches.
      'schemas.yaml': subjects.map((subject, i) => `apiVersion: streamctl/v1
kind: Schema
metadata: {name: s${i}}
spec:
  subject: ${subject}
  type: AVRO
  schema: '{"type":"record","name":"R${i}","fields":[{"name":"f","type":"string"}]}'
`).join('---\n'),
    })
    dirs.push(dir)
    const ours = async (): Promise<string[]> => ((await (await fetch(`${registry}/subjects`)).json()) as string[]).filter((s) => s.startsWith(prefix))

    onTestFinished(async () => {
      // The killed holder's lease would block every later apply on this shared cluster for 30 s.
      await streamctl(['unlock', '-e', env, '-f', dir])
    })
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, 'apply', '-e', env, '-f', dir, '--auto-approve'], {stdio: ['ignore', 'pipe', 'pipe']})
    let childErr = ''
    child.stderr!.on('data', (d: Buffer) => (childErr += d.toString()))
    const exited = new Promise<void>((r) => child.on('exit', () => r()))
    let done = false
    void exited.then(() => (done = true))
    // Kill it once some registrations are in, well before all 150.
    for (let i = 0; i < 600 && !done; i++) {
      if ((await ours()).length >= 10) break
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(done, `the apply finished before it could be killed: ${childErr.slice(-1500)}`).toBe(false)
    child.kill('SIGKILL')
    await exited
    // A registration the killed process had sent may still land in the registry after it died:
    // read the subjects once they stop changing.
    let registeredAtKill = await ours()
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 500))
      const now = await ours()
      if (now.length === registeredAtKill.length) break
      registeredAtKill = now
    }
    expect(registeredAtKill.length).toBeLessThan(subjects.length)

    // Before anyone closes it: a start record and the actions applied so far, no end yet.
    const before = (await history(env, dir)).at(-1)!
    expect(before).toMatchObject({result: 'unfinished', pid: child.pid, actions: {total: 153}})
    expect(before.endedAt).toBeUndefined()
    const doneIds = before.applied.filter((a) => a.outcome === 'done').map((a) => a.id)
    const recordedSubjects = doneIds.filter((id) => id.startsWith('schema.register:')).map((id) => id.slice('schema.register:'.length))
    expect(recordedSubjects.length).toBeGreaterThan(0)
    // Every action the audit says was applied really was (the registry and Kafka's tool say so);
    // only the batches around the kill (the one under way, the one whose record was being written)
    // can be applied and not yet recorded.
    for (const s of recordedSubjects) expect(registeredAtKill).toContain(s)
    expect(registeredAtKill.length - recordedSubjects.length).toBeLessThanOrEqual(2)
    const listed = (await kafkaTool('topics', ['--list'])).stdout.split('\n')
    for (const id of doneIds.filter((x) => x.startsWith('topic.create:'))) expect(listed).toContain(id.slice('topic.create:'.length))

    // The next holder of the cluster's lock records the end of the killed apply.
    const unlock = await streamctl(['unlock', '-e', env, '-f', dir])
    expect(unlock.code, unlock.stderr).toBe(0)
    expect(unlock.stdout).toContain(`Recorded the end of the interrupted apply`)
    const rerun = await streamctl(['apply', '-e', env, '-f', dir, '--auto-approve'])
    expect(rerun.code, rerun.stderr).toBe(0)

    const after = await history(env, dir)
    const killed = after.find((a) => a.applyId === before.applyId)!
    expect(killed.result).toBe('interrupted')
    expect(killed.endedAt).toBeDefined()
    expect(killed.error).toContain(`pid ${child.pid} stopped without recording its end`)
    expect(killed.applied.map((a) => a.id)).toEqual(before.applied.map((a) => a.id))
    const last = after.at(-1)!
    expect(last.result).toBe('applied')
    // the two applies together applied every planned action (a registration that was in flight at
    // the kill is no change on re-run, so each subject is registered by exactly one of them, or both not at all)
    const all = new Set([...killed.applied, ...last.applied].filter((a) => a.outcome === 'done').map((a) => a.id))
    for (const s of subjects) {
      if (!all.has(`schema.register:${s}`)) expect(registeredAtKill).toContain(s)
    }
    expect((await ours()).sort()).toEqual([...subjects].sort())

    // the text form lists actions and both ends
    const text = await streamctl(['history', '-e', env, '-f', dir, '--limit', '2', '--actions', '2'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/interrupted .* pid \d+ /)
    expect(text.stdout).toMatch(/^ {4}done {5}schema\.register:/m)
    expect(text.stdout).toMatch(/… \d+ more action\(s\)/)
    expect(text.stdout).toMatch(/ended .*: applied/)
  })
})

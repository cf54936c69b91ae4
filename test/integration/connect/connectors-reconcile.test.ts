/**
 * Connector manifests reconciled against a real Kafka Connect 4.3.1 worker (`dev up --connect` on
 * the suite's single cluster): load → observe (validate included) → plan → apply → plan again.
 * A FileStream source and sink move lines end to end through Kafka; a config change is applied
 * in place; a connector declared paused never runs; an invalid config is reported at its manifest
 * line without touching the worker; a removed connector is deleted only inside the prune scope.
 */
import {appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ConnectClient} from '../../../src/connect/connect-client.js'
import {connectClientFor} from '../../../src/connect/environment-connect.js'
import {applyEnvironmentConnectors, planEnvironmentConnectors} from '../../../src/connect/environment-connectors.js'
import {renderConnectorPlanText} from '../../../src/render/connector-plan-text.js'
import {exportLiveConnectors} from '../../../src/connect/export-live.js'
import {exportFiles} from '../../../src/export/write-yaml.js'
import {observeConnectors} from '../../../src/connect/observe-connectors.js'
import {devConnectDown, devStatus, devUp} from '../../../src/dev/index.js'
import {DiagnosticsError} from '../../../src/errors.js'
import {loadEnvironment} from '../../../src/manifest/check-manifests.js'
import {planConnectors, type ConnectorPlan} from '../../../src/plan/connector-plan.js'
import {newKafkaJs, singleCluster} from '../harness.js'
import {streamctl} from '../dev/cli.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-connectors-'))
const id = Math.random().toString(36).slice(2, 8)
const name = (n: string) => `it-${id}-${n}`
const topic = `it.connectors.${id}.lines`
const idleTopic = `it.connectors.${id}.idle`
const input = join(dir, 'in.txt')
const out1 = join(dir, 'out1.txt')
const out2 = join(dir, 'out2.txt')
let client: ConnectClient

interface Connectors {
  sinkFile?: string
  batchSize?: string
  withIdle?: boolean
  prune?: boolean
}

/** `cluster: dev` on the suite's cluster: its Connectors run on the dev worker. */
function writeManifests(o: Connectors = {}): void {
  const env = `apiVersion: streamctl/v1
kind: Environment
metadata: {name: local}
spec:
  cluster: dev
  dev: {dataDir: ${JSON.stringify(singleCluster().dataDir)}}
${o.prune ? `  prune: {connectors: ["it-${id}-*"]}\n` : ''}`
  const source = `---
apiVersion: streamctl/v1
kind: Connector
metadata: {name: ${name('source')}}
spec:
  class: org.apache.kafka.connect.file.FileStreamSourceConnector
  tasks: 1
  config:
    file: ${input}
    topic: ${topic}
    batch.size: ${o.batchSize ?? '100'}
`
  const sink = `---
apiVersion: streamctl/v1
kind: Connector
metadata: {name: ${name('sink')}}
spec:
  class: org.apache.kafka.connect.file.FileStreamSinkConnector
  config:
    topics: ${topic}
    file: ${o.sinkFile ?? out1}
`
  const idle = `---
apiVersion: streamctl/v1
kind: Connector
metadata: {name: ${name('idle')}}
spec:
  class: org.apache.kafka.connect.file.FileStreamSourceConnector
  state: paused
  config:
    file: ${input}
    topic: ${idleTopic}
`
  writeFileSync(join(dir, 'm.yaml'), env + source + sink + (o.withIdle === false ? '' : idle))
}

async function load() {
  return loadEnvironment(['m.yaml'], 'local', {cwd: dir, processEnv: {}})
}

/** The environment's connector plan (the hook plan/apply call), with its prune scope. */
async function plan(): Promise<ConnectorPlan> {
  const p = await planEnvironmentConnectors(await load(), {start: false})
  // The worker is shared with other test files: their connectors are unmanaged here.
  return {...p!, unmanaged: p!.unmanaged.filter((n) => n.startsWith(`it-${id}-`))}
}

async function apply(p: ConnectorPlan): Promise<void> {
  console.info(renderConnectorPlanText(p))
  const r = await applyEnvironmentConnectors(await load(), p, {start: false})
  expect(r.failed?.error.message).toBeUndefined()
}

/** Waits up to `waitMs` (a worker restarting a reconfigured task under load can take a minute). */
async function readLines(file: string, n: number, waitMs = 60_000): Promise<string[]> {
  for (let i = 0; i < waitMs / 500; i++) {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
    if (lines.length >= n) return lines
    await sleep(500)
  }
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
}

async function endOffset(t: string): Promise<number> {
  const admin = newKafkaJs(singleCluster()).admin()
  await admin.connect()
  try {
    return (await admin.fetchTopicOffsets(t)).reduce((sum, p) => sum + Number(p.high), 0)
  } catch {
    return 0
  } finally {
    await admin.disconnect()
  }
}

/** Re-plans until the worker's transient states have passed (tasks start asynchronously). */
async function settledPlan(): Promise<ConnectorPlan> {
  let p = await plan()
  for (let i = 0; i < 20 && p.actions.length > 0; i++) {
    await sleep(500)
    p = await plan()
  }
  return p
}

beforeAll(async () => {
  await devUp({dataDir: singleCluster().dataDir, connect: true, connectHeap: '384m'})
  writeManifests()
  // The environment's own Connect cluster: for `cluster: dev`, the dev worker.
  client = await connectClientFor((await load()).environment, {start: false})
  expect(client.connection.url).toBe((await devStatus({dataDir: singleCluster().dataDir})).connect?.url)
  writeFileSync(input, 'alpha\nbeta\n')
}, 180_000)

afterAll(async () => {
  for (const n of await client.listConnectors()) if (n.startsWith(`it-${id}-`)) await client.delete(n)
  await devConnectDown({dataDir: singleCluster().dataDir})
  rmSync(dir, {recursive: true, force: true})
})

describe('Connector manifests on a real Connect worker', () => {
  it('plans creates for the declared connectors; applied, lines flow file → Kafka → file; re-plan is empty', async () => {
    writeManifests()
    const first = await plan()
    expect(first.actions.map((a) => `${a.kind}:${a.connector}`)).toEqual([`connector.create:${name('idle')}`, `connector.create:${name('sink')}`, `connector.create:${name('source')}`])
    expect(first.actions.find((a) => a.connector === name('idle'))).toMatchObject({initialState: 'PAUSED'})
    await apply(first)
    expect(await readLines(out1, 2)).toEqual(['alpha', 'beta'])
    expect((await settledPlan()).actions).toEqual([])
  })

  it('a connector declared paused stays paused: it never wrote a record', async () => {
    expect((await client.getStatus(name('idle')))?.connector.state).toBe('PAUSED')
    // The source beside it has long read the same file: an idle one that ran would have too.
    await sleep(3000)
    expect(await endOffset(topic)).toBeGreaterThanOrEqual(2)
    expect(await endOffset(idleTopic)).toBe(0)
    expect((await plan()).actions).toEqual([])
  })

  it('a config change is one in-place update of that connector; the new file gets the new lines', async () => {
    writeManifests({sinkFile: out2})
    const p = await plan()
    expect(p.actions).toMatchObject([{kind: 'connector.config.update', connector: name('sink'), changes: [{key: 'file', before: {value: out1}, after: {value: out2}}]}])
    await apply(p)
    appendFileSync(input, 'gamma\n')
    const lines = await readLines(out2, 1, 150_000)
    // Said when it fails: where the line got stuck (source, topic, sink task) and the worker's view.
    expect(lines, JSON.stringify({topicEnd: await endOffset(topic), sink: await client.getStatus(name('sink')).catch(String), source: await client.getStatus(name('source')).catch(String)})).toContain('gamma')
    expect((await client.getConfig(name('sink')))?.file).toBe(out2)
    expect((await settledPlan()).actions).toEqual([])
  }, 200_000)

  it('an invalid config is reported at its manifest line and column, and the worker is left as it was', async () => {
    const before = await client.getConfig(name('source'))
    writeManifests({sinkFile: out2, batchSize: 'lots'})
    const err = await plan().then(() => undefined, (e: unknown) => e as DiagnosticsError)
    expect(err).toBeInstanceOf(DiagnosticsError)
    const d = err!.diagnostics.find((x) => x.message.startsWith('spec.config.batch.size'))
    expect(d, JSON.stringify(err!.diagnostics)).toBeDefined()
    expect(d!.location).toMatchObject({file: 'm.yaml', line: 17, column: 17})
    expect(d!.message).toContain('lots')
    expect(d!.resource).toBe(`Connector/${name('source')}`)
    expect(await client.getConfig(name('source'))).toEqual(before)
  })

  it('a removed connector is left alone outside the prune scope and deleted inside it; then nothing is left to do', async () => {
    writeManifests({sinkFile: out2, withIdle: false})
    const outside = await plan()
    expect(outside.actions).toEqual([])
    expect(outside.unmanaged).toEqual([name('idle')])
    writeManifests({sinkFile: out2, withIdle: false, prune: true})
    const inside = await plan()
    expect(inside.actions.map((a) => `${a.kind}:${a.connector}`)).toEqual([`connector.delete:${name('idle')}`])
    await apply(inside)
    expect(await client.getConfig(name('idle'))).toBeUndefined()
    expect((await settledPlan()).actions).toEqual([])
  })

  it('export writes the live connectors as Connector manifests; planned against the same worker they change nothing', async () => {
    const env = (await load()).environment
    const exported = await exportLiveConnectors({...env, dev: {...env.dev!, connect: true}}, false)
    const mine = (exported.connectors ?? []).filter((d) => d.metadata.name.startsWith(`it-${id}-`))
    expect(mine.map((d) => d.metadata.name)).toEqual([name('sink'), name('source')])
    // Only non-default values: the source's tasks.max 1 is FileStreamSource's default.
    expect(mine[1]!.spec).toEqual({class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', config: {'batch.size': '100', file: input, topic}})
    const out = join(dir, 'exported')
    mkdirSync(out)
    const files = exportFiles({environment: {apiVersion: 'streamctl/v1', kind: 'Environment', metadata: {name: 'local'}, spec: {cluster: 'dev', dev: {dataDir: singleCluster().dataDir}}},
      topics: [], services: [], acls: [], schemas: [], schemaFiles: [], policies: [], users: [], quotas: [], connectors: mine}, 'it')
    for (const f of files) writeFileSync(join(out, f.name), f.content)
    expect(files.map((f) => f.name)).toEqual(['environment.yaml', 'connectors.yaml'])
    const state = await loadEnvironment(['.'], 'local', {cwd: out, processEnv: {}})
    const seen = await observeConnectors(client, state.connectors ?? [])
    const p = planConnectors({desired: state.connectors ?? [], observed: seen.observed.filter((o) => o.name.startsWith(`it-${id}-`)), definitions: seen.definitions, pruneConnectors: []})
    expect(p.actions).toEqual([])
  })
})

describe('connectors in `streamctl plan` and `apply`, next to the topics they need', () => {
  const cliDir = mkdtempSync(join(tmpdir(), 'streamctl-it-connectors-cli-'))
  const fresh = `it.connectors.${id}.cli`
  const lines = join(cliDir, 'lines.txt')
  afterAll(() => rmSync(cliDir, {recursive: true, force: true}))

  it('one plan shows the topic and the connector writing to it; one apply creates the topic first, then the connector, whose lines arrive', async () => {
    writeFileSync(lines, 'one\ntwo\nthree\n')
    writeFileSync(join(cliDir, 'm.yaml'), `apiVersion: streamctl/v1
kind: Environment
metadata: {name: local}
spec:
  cluster: dev
  dev: {dataDir: ${JSON.stringify(singleCluster().dataDir)}}
  defaults: {partitions: 1, replicationFactor: 1}
---
apiVersion: streamctl/v1
kind: Policy
metadata: {name: relaxed}
spec:
  rules: {topic-naming: warning, owner-required: warning, value-schema-required: warning, single-writer: warning}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: ${fresh}}
spec: {partitions: 1, policy: stream}
---
apiVersion: streamctl/v1
kind: Connector
metadata: {name: ${name('cli-source')}}
spec:
  class: org.apache.kafka.connect.file.FileStreamSourceConnector
  config: {file: ${lines}, topic: ${fresh}}
`)
    const run = (args: string[]) => streamctl([...args, '-e', 'local', '-f', cliDir, '--no-start'])
    const plan = await run(['plan', '--json'])
    expect(plan.code, plan.stderr + plan.stdout).toBe(0)
    const p = JSON.parse(plan.stdout)
    expect(p.actions.map((a: {id: string}) => a.id)).toContain(`topic.create:${fresh}`)
    expect(p.connectors.actions.map((a: {id: string}) => a.id)).toEqual([`connector.create:${name('cli-source')}`])
    expect(p.summary.add).toBeGreaterThanOrEqual(2)
    const text = await run(['plan'])
    expect(text.stdout).toContain('Connectors (Kafka Connect, applied after the changes above):')
    expect(text.stdout).toContain(`+ create connector ${name('cli-source')} (org.apache.kafka.connect.file.FileStreamSourceConnector)`)
    const md = await run(['plan', '--markdown'])
    expect(md.stdout).toContain('#### Connectors (applied after the changes above)')

    const applied = await run(['apply', '--auto-approve'])
    expect(applied.code, applied.stdout + applied.stderr).toBe(0)
    expect(applied.stdout).toMatch(/Apply complete: \d+ change\(s\) made \(1 to connectors\)/)
    for (let i = 0; i < 60 && (await endOffset(fresh)) < 3; i++) await sleep(500)
    expect(await endOffset(fresh)).toBe(3)
    // Once its task runs, nothing is left to do.
    let again = await run(['plan', '--detailed-exitcode'])
    for (let i = 0; i < 20 && again.code !== 0; i++) {
      await sleep(500)
      again = await run(['plan', '--detailed-exitcode'])
    }
    expect(again.code, again.stdout).toBe(0)
  }, 180_000)
})

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {DiagnosticsError} from '../../../src/errors.js'
import {checkManifests, loadEnvironment} from '../../../src/manifest/check-manifests.js'
import {loadManifests, resolveEnvironment} from '../../../src/manifest/index.js'

const dirs: string[] = []
afterAll(() => { for (const d of dirs) rmSync(d, {recursive: true, force: true}) })

function estate(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamctl-interp-'))
  dirs.push(dir)
  writeFileSync(path.join(dir, 'm.yaml'), yaml)
  return dir
}

const ENV = (vars: string) => `apiVersion: streamctl/v1
kind: Environment
metadata: {name: local}
spec:
  kafka: {bootstrap: ["\${var:host}:9092"]}
  variables: {${vars}}
`

/** Every string anywhere in the desired state, with its path. */
function strings(v: unknown, at = ''): [string, string][] {
  if (typeof v === 'string') return [[at, v]]
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${at}[${i}]`))
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, `${at}.${k}`))
  return []
}

describe('interpolation stages', () => {
  it('resolves variables that use variables, in names, values, labels, descriptions and the Environment itself', async () => {
    const dir = estate(`${ENV('host: "kafka.${var:zone}", zone: eu1, org: shop, domain: "${var:org}.orders", owner: "${env:OWNER}"')}---
apiVersion: streamctl/v1
kind: Service
metadata: {name: orders-service}
spec: {produces: ["\${var:domain}.v1"]}
---
apiVersion: streamctl/v1
kind: Topic
metadata:
  name: \${var:domain}.v1
  description: orders of \${var:org}, cost $\${literal}
  labels: {team: "\${var:owner}"}
spec:
  owner: orders-service
  policy: stream
  config: {compression.type: "\${env:CODEC}"}
`)
    const set = await loadManifests(['.'], {cwd: dir, env: {OWNER: 'team-${var:org}', CODEC: 'zstd'}})
    const d = resolveEnvironment(set, 'local')
    expect(d.environment.kafka!.bootstrap).toEqual(['kafka.eu1:9092'])
    expect(d.cluster.topics.map((t) => t.name)).toEqual(['shop.orders.v1'])
    expect(d.cluster.topics[0]!.config['compression.type']).toBe('zstd')
    expect(d.services[0]!.produces).toEqual(['shop.orders.v1'])
    // An escaped $${ is a literal; a value from the process environment is never read as a template.
    expect(d.topicMeta[0]!.description).toBe('orders of shop, cost ${literal}')
    expect(d.topicMeta[0]!.labels).toEqual({team: 'team-${var:org}'})
    expect(d.environment.variables.domain).toBe('shop.orders')
    const leftovers = strings(d).filter(([at, s]) => s.includes('${') && !at.startsWith('.topicMeta[0].description') && !at.includes('labels') && !at.includes('variables'))
    expect(leftovers).toEqual([])
  })

  it('reports an unresolved name at its location and checks the resolved name, never plans it', async () => {
    const dir = estate(`${ENV('host: h, a: "${var:b}", b: "${var:a}"')}---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: "\${var:a}.orders.v1"}
spec: {policy: stream}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: "$\${x}.orders.v1"}
spec: {policy: stream}
`)
    const err = await checkManifests({files: ['.'], cwd: dir, processEnv: {}}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DiagnosticsError)
    const ds = (err as DiagnosticsError).diagnostics
    expect(ds.map((x) => `${x.location!.line}:${x.location!.column} ${x.rule}`)).toEqual([
      // Both variables of the cycle at their definitions, the name where it uses one, then the
      // escaped name checked as the literal it is.
      '6:27 interpolation', '6:42 interpolation', '10:18 interpolation', '15:18 topic-name',
    ])
    expect(ds[3]!.message).toContain('"${x}.orders.v1"')
  })

  it('commands that connect load with the same every-problem report as validate', async () => {
    const dir = estate(`${ENV('host: h')}---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: shop.orders.v1}
spec: {owner: nobody, partitionz: 3, config: {retention.msec: 1}}
`)
    const err = await loadEnvironment(['.'], 'local', {cwd: dir, processEnv: {}}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DiagnosticsError)
    expect((err as DiagnosticsError).diagnostics.map((d) => d.rule)).toEqual(['reference', 'schema', 'topic-config-key'])
    const ok = estate(ENV('host: h'))
    expect((await loadEnvironment(['.'], 'local', {cwd: ok, processEnv: {}})).environment.kafka!.bootstrap).toEqual(['h:9092'])
  })
})

describe('schema subjects are checked offline', () => {
  it('a reference cycle among declared schemas is a validate error at the Schema that starts it', async () => {
    const schema = (name: string, subject: string, ref: string) => `apiVersion: streamctl/v1
kind: Schema
metadata: {name: ${name}}
spec: {subject: ${subject}, type: AVRO, schema: '"string"', references: [{name: ${ref}, subject: ${ref}, version: 1}]}
`
    const dir = estate(`${ENV('host: h')}---\n${schema('a', 'A', 'B')}---\n${schema('b', 'B', 'A')}`)
    const err = await loadEnvironment(['.'], 'local', {cwd: dir, processEnv: {}}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DiagnosticsError)
    const [d, ...rest] = (err as DiagnosticsError).diagnostics
    expect(rest).toEqual([])
    expect(d).toMatchObject({rule: 'schema-subject', resource: 'Schema/a', message: 'schema references form a cycle: A → B → A'})
    expect(d!.location?.line).toBe(10)
  })
})

describe('an Environment\'s dev racks', () => {
  const env = (racks: string) => `apiVersion: streamctl/v1
kind: Environment
metadata: {name: local}
spec:
  cluster: dev
  dev: {brokers: 5, racks: ${racks}}
`
  it('reach the dev cluster spec, and a bad rack name is an error at its line', async () => {
    expect((await loadEnvironment(['.'], 'local', {cwd: estate(env('[a, b, c]')), processEnv: {}})).environment.dev).toMatchObject({brokers: 5, racks: ['a', 'b', 'c']})
    const err = await loadEnvironment(['.'], 'local', {cwd: estate(env('[a, "b c"]')), processEnv: {}}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DiagnosticsError)
    expect((err as DiagnosticsError).diagnostics[0]).toMatchObject({rule: 'schema', location: {line: 6}})
  })
})

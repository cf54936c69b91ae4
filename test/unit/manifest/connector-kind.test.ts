import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {inspect} from 'node:util'
import {afterAll, describe, expect, it} from 'vitest'
import {DiagnosticsError} from '../../../src/errors.js'
import {loadEnvironment} from '../../../src/manifest/check-manifests.js'
import {renderDesired} from '../../../src/manifest/render-desired.js'
import {submittedConfig} from '../../../src/model/connector.js'
import {isSecret} from '../../../src/model/secret.js'

const dirs: string[] = []
afterAll(() => { for (const d of dirs) rmSync(d, {recursive: true, force: true}) })

function estate(connector: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamctl-connector-'))
  dirs.push(dir)
  writeFileSync(path.join(dir, 'env.yaml'), `apiVersion: streamctl/v1
kind: Environment
metadata: {name: local}
spec:
  kafka: {bootstrap: ["127.0.0.1:9092"]}
  connect:
    url: http://127.0.0.1:8083
    auth: {username: ops, password: "\${env:CONNECT_PASSWORD}"}
  prune: {prefixes: [shop.], connectors: [shop-*]}
  variables: {domain: shop}
---
apiVersion: streamctl/v1
kind: Environment
metadata: {name: prod}
spec:
  kafka: {bootstrap: ["127.0.0.1:9093"]}
  connect: {url: http://127.0.0.1:8084}
---
apiVersion: streamctl/v1
kind: Environment
metadata: {name: bare}
spec:
  kafka: {bootstrap: ["127.0.0.1:9094"]}
`)
  writeFileSync(path.join(dir, 'connector.yaml'), connector)
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, f), text)
  return dir
}

const SINK = `apiVersion: streamctl/v1
kind: Connector
metadata: {name: orders-archive}
spec:
  class: org.apache.kafka.connect.file.FileStreamSinkConnector
  tasks: 2
  state: paused
  config:
    topics: \${var:domain}.orders.v1
    file: /var/archive/orders.txt
    batch.size: 100
    api.key: \${env:ARCHIVE_API_KEY}
    api.token: \${file:token.txt}
    note: "costs $\${env:NOT_A_SECRET}"
`

describe('Connector manifests', () => {
  it('resolve per environment: class, tasks, state, config with ${var:} resolved and ${env:}/${file:} values as secrets', async () => {
    const d = await loadEnvironment(['.'], 'local', {cwd: estate(SINK, {'token.txt': 'tok-123\n'}), processEnv: {ARCHIVE_API_KEY: 'key-456', CONNECT_PASSWORD: 'cp-111'}})
    const [c] = d.connectors!
    expect(c).toMatchObject({name: 'orders-archive', className: 'org.apache.kafka.connect.file.FileStreamSinkConnector', tasks: 2, state: 'paused'})
    expect(c!.config.topics).toBe('shop.orders.v1')
    expect(c!.config['batch.size']).toBe('100')
    expect(c!.config.note).toBe('costs ${env:NOT_A_SECRET}')
    expect(isSecret(c!.config['api.key'])).toBe(true)
    expect(isSecret(c!.config['api.token'])).toBe(true)
    expect((c!.config['api.key'] as {reveal(): string}).reveal()).toBe('key-456')
    expect((c!.config['api.token'] as {reveal(): string}).reveal()).toBe('tok-123')
    expect(c!.keyLocations['tasks.max']).toMatchObject({line: 6})
    expect(c!.keyLocations['batch.size']).toMatchObject({line: 11})
    const submitted = submittedConfig(c!)
    expect(submitted['connector.class']).toBe(c!.className)
    expect(submitted['tasks.max']).toBe('2')
    expect(submitted.name).toBe('orders-archive')
  })

  it('never prints a secret value: render (yaml/json), JSON.stringify and inspect show only where it comes from', async () => {
    const d = await loadEnvironment(['.'], 'local', {cwd: estate(SINK, {'token.txt': 'tok-123\n'}), processEnv: {ARCHIVE_API_KEY: 'key-456', CONNECT_PASSWORD: 'cp-111'}})
    for (const text of [renderDesired(d, 'yaml'), renderDesired(d, 'json'), JSON.stringify(d), inspect(d, {depth: 10})]) {
      expect(text).not.toContain('key-456')
      expect(text).not.toContain('tok-123')
    }
    expect(renderDesired(d, 'yaml')).toContain('<redacted>')
  })

  it('applies only to its environments; an undeclared environment is an error at its position', async () => {
    const only = SINK.replace('  state: paused\n', '  state: paused\n  environments: [prod]\n')
    const local = await loadEnvironment(['.'], 'local', {cwd: estate(only, {'token.txt': 't'}), processEnv: {ARCHIVE_API_KEY: 'k', CONNECT_PASSWORD: 'c'}})
    expect(local.connectors).toBeUndefined()
    const err = await loadEnvironment(['.'], 'local', {cwd: estate(SINK.replace('  state: paused\n', '  environments: [prdo]\n'), {'token.txt': 't'}), processEnv: {ARCHIVE_API_KEY: 'k', CONNECT_PASSWORD: 'c'}}).then(() => undefined, (e: unknown) => e as DiagnosticsError)
    const d = err!.diagnostics.find((x) => x.message.includes('prdo'))!
    expect(d.location).toMatchObject({file: 'connector.yaml', line: 7})
    expect(d.hint).toContain('prod')
  })

  it('connector.class, tasks.max or name inside config, a bad state, ${var:} in a secret: each an error at its line', async () => {
    const bad = `apiVersion: streamctl/v1
kind: Connector
metadata: {name: c1}
spec:
  class: FileStreamSource
  state: sleeping
  config:
    tasks.max: 3
    password: "\${env:PW}-\${var:domain}"
`
    const err = await loadEnvironment(['.'], 'local', {cwd: estate(bad), processEnv: {PW: 'x', CONNECT_PASSWORD: 'c'}}).then(() => undefined, (e: unknown) => e as DiagnosticsError)
    expect(err).toBeInstanceOf(DiagnosticsError)
    const lines = err!.diagnostics.map((d) => `${d.location?.line}: ${d.message}`)
    expect(lines.find((l) => l.startsWith('6:'))).toMatch(/running|paused|stopped/)
    const reserved = err!.diagnostics.find((d) => d.message.includes('"tasks.max" belongs in spec.tasks'))
    expect(reserved?.location?.line).toBe(8)
    expect(lines.find((l) => l.startsWith('9:'))).toMatch(/var/)
  })

  it('a missing secret variable is an error naming it (commands that connect refuse to start)', async () => {
    const err = await loadEnvironment(['.'], 'local', {cwd: estate(SINK, {'token.txt': 't'}), processEnv: {CONNECT_PASSWORD: 'c'}}).then(() => undefined, (e: unknown) => e as DiagnosticsError)
    expect(err).toBeInstanceOf(DiagnosticsError)
    const d = err!.diagnostics.find((x) => x.message.includes('ARCHIVE_API_KEY'))
    expect(d?.location?.line).toBe(12)
  })

  it('the Environment names its Connect cluster (login password a secret) and the connectors it may prune', async () => {
    const d = await loadEnvironment(['.'], 'local', {cwd: estate(SINK, {'token.txt': 't'}), processEnv: {ARCHIVE_API_KEY: 'k', CONNECT_PASSWORD: 'cp-111'}})
    expect(d.environment.connect?.url).toBe('http://127.0.0.1:8083')
    expect(d.environment.connect?.auth?.username).toBe('ops')
    expect(isSecret(d.environment.connect?.auth?.password)).toBe(true)
    expect(renderDesired(d, 'yaml')).not.toContain('cp-111')
    expect(d.environment.prune?.connectors).toEqual(['shop-*'])
  })

  it('a connector for an environment without a Connect cluster is an error at the connector', async () => {
    const err = await loadEnvironment(['.'], 'bare', {cwd: estate(SINK, {'token.txt': 't'}), processEnv: {ARCHIVE_API_KEY: 'k'}}).then(() => undefined, (e: unknown) => e as DiagnosticsError)
    const d = err!.diagnostics.find((x) => x.message.includes('has no Kafka Connect cluster'))
    expect(d?.location).toMatchObject({file: 'connector.yaml', line: 3})
    expect(d?.hint).toContain('connect: {url')
  })
})

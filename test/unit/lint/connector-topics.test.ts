import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {connectorTopicsRule} from '../../../src/lint/rules/connector-topics.js'
import {singleWriter} from '../../../src/lint/rules/single-writer.js'
import {loadEnvironment} from '../../../src/manifest/check-manifests.js'

const dirs: string[] = []
afterAll(() => { for (const d of dirs) rmSync(d, {recursive: true, force: true}) })

async function estate(connectors: string, secure = false) {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamctl-connector-lint-'))
  dirs.push(dir)
  writeFileSync(path.join(dir, 'm.yaml'), `apiVersion: streamctl/v1
kind: Environment
metadata: {name: local}
spec:
  cluster: dev
  dev: {secure: ${secure}}
---
apiVersion: streamctl/v1
kind: Service
metadata: {name: orders-service}
spec: {produces: [shop.orders.v1]}
---
apiVersion: streamctl/v1
kind: Service
metadata: {name: connect}
spec: {principal: "User:connect", produces: [shop.files.v1]}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: shop.orders.v1}
spec: {owner: orders-service}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: shop.files.v1}
spec: {owner: connect}
${connectors}`)
  return loadEnvironment(['.'], 'local', {cwd: dir, processEnv: {}})
}

const connector = (name: string, cls: string, config: string, extra = '') => `---
apiVersion: streamctl/v1
kind: Connector
metadata: {name: ${name}}
spec:
  class: ${cls}
${extra}  config:
${config}
`

describe('connector topic checks', () => {
  it('a sink reading, or a source writing, an undeclared topic is a connector-topics warning at the topic key', async () => {
    const d = await estate(connector('archive', 'org.apache.kafka.connect.file.FileStreamSinkConnector', '    topics: shop.orders.v1, shop.orderz.v1\n    file: /tmp/a')
      + connector('lines', 'FileStreamSource', '    topic: shop.lines.v1\n    file: /tmp/b'))
    const f = connectorTopicsRule.check(d, {})
    expect(f.map((x) => [x.message, x.location?.line])).toEqual([
      ['sink connector "archive" reads undeclared topic "shop.orderz.v1"', 34],
      ['source connector "lines" writes undeclared topic "shop.lines.v1" (Kafka would create it unmanaged)', 43],
    ])
    expect(connectorTopicsRule.defaultSeverity).toBe('warning')
  })

  it('single-writer: a source may write a declared topic only as its owner\'s principal', async () => {
    const into = (topic: string, extra = '') => connector(`src-${topic.split('.')[1]}`, 'FileStreamSource', `    topic: ${topic}\n    file: /tmp/c`, extra)
    // The secure dev worker writes as User:connect: the owner of shop.files.v1, not of shop.orders.v1.
    const secure = await estate(into('shop.files.v1') + into('shop.orders.v1'), true)
    expect(secure.connectors?.map((c) => c.principal)).toEqual(['User:connect', 'User:connect'])
    expect(singleWriter.check(secure, {}).map((x) => x.message)).toEqual([
      'source connector "src-orders" writes "shop.orders.v1" as User:connect, but the topic\'s owner is "orders-service" (User:orders-service)',
    ])
    // A declared principal counts; without one (plain dev cluster) nothing proves the owner writes.
    const declared = await estate(into('shop.orders.v1', '  principal: "User:orders-service"\n'))
    expect(singleWriter.check(declared, {})).toEqual([])
    const unknown = await estate(into('shop.files.v1'))
    const f = singleWriter.check(unknown, {})
    expect(f).toHaveLength(1)
    expect(f[0]!.hint).toContain('set spec.principal')
    // Sinks only read: never a writer.
    const sink = await estate(connector('archive', 'FileStreamSink', '    topics: shop.orders.v1\n    file: /tmp/a'))
    expect(singleWriter.check(sink, {})).toEqual([])
  })
})

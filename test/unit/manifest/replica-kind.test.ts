import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {DiagnosticsError} from '../../../src/errors.js'
import {replicaReadOnly} from '../../../src/lint/rules/replica-read-only.js'
import {loadEnvironment} from '../../../src/manifest/check-manifests.js'
import {replicaConnectorSpec} from '../../../src/model/replica.js'
import {isSecret, Secret} from '../../../src/model/secret.js'
import {replicaStatus} from '../../../src/plan/replica-status.js'

const dirs: string[] = []
afterAll(() => { for (const d of dirs) rmSync(d, {recursive: true, force: true}) })

const ESTATE = `apiVersion: streamctl/v1
kind: Environment
metadata: {name: prod}
spec:
  kafka:
    bootstrap: ["10.0.0.1:9093"]
    sasl: {mechanism: scram-sha-512, username: mirror, password: "\${env:PROD_PASSWORD}"}
    tls: {caFile: /etc/ca.pem}
  variables: {domain: shop}
---
apiVersion: streamctl/v1
kind: Environment
metadata: {name: history}
spec:
  kafka: {bootstrap: ["10.0.0.2:9092"]}
  connect: {url: http://127.0.0.1:8083}
  defaults: {replicationFactor: 2}
  variables: {domain: shop}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: "\${var:domain}.orders.v1"}
spec:
  owner: orders
  partitions: 6
  policy: stream
  config: {max.message.bytes: 2000000}
  overrides:
    prod: {config: {retention.ms: 86400000}}
---
apiVersion: streamctl/v1
kind: Service
metadata: {name: orders}
spec: {produces: [shop.orders.v1]}
`

const REPLICA = `---
apiVersion: streamctl/v1
kind: Replica
metadata: {name: orders-history}
spec:
  source: {environment: prod, topic: shop.orders.v1}
  environment: history
  principal: "User:mirror"
  config: {retention.ms: -1}
`

async function load(extra: string, env = 'history') {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamctl-replica-'))
  dirs.push(dir)
  writeFileSync(path.join(dir, 'm.yaml'), ESTATE + REPLICA + extra)
  return loadEnvironment(['m.yaml'], env, {cwd: dir, processEnv: {PROD_PASSWORD: 's3cret-prod'}})
}

async function errorsOf(extra: string, replica: string): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamctl-replica-'))
  dirs.push(dir)
  writeFileSync(path.join(dir, 'm.yaml'), ESTATE + replica + extra)
  const err = await loadEnvironment(['m.yaml'], 'history', {cwd: dir, processEnv: {PROD_PASSWORD: 'x'}}).then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(DiagnosticsError)
  return (err as DiagnosticsError).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`)
}

describe('Replica resources', () => {
  it('the copy is <source env>.<topic> with the source\'s partitions and configs (as the source environment resolves them), overrides on top, WRITE for the replicator only', async () => {
    const d = await load('')
    const copy = d.cluster.topics.find((t) => t.name === 'prod.shop.orders.v1')
    expect(copy).toEqual({name: 'prod.shop.orders.v1', partitions: 6, replicationFactor: 2,
      config: {'cleanup.policy': 'delete', 'max.message.bytes': '2000000', 'retention.ms': '-1'}})
    expect(d.cluster.acls.filter((a) => a.resourceName === 'prod.shop.orders.v1')).toEqual([
      {resourceType: 'TOPIC', resourceName: 'prod.shop.orders.v1', patternType: 'LITERAL', principal: 'User:mirror', host: '*', operation: 'WRITE', permission: 'ALLOW'}])
    expect(d.replicas).toMatchObject([{name: 'orders-history', topic: 'prod.shop.orders.v1', partitions: 6, connector: 'replica-orders-history', principal: 'User:mirror',
      source: {environment: 'prod', topic: 'shop.orders.v1'}, location: {file: 'm.yaml', line: 38}}])
    // The source environment itself has no copy.
    expect((await load('', 'prod')).cluster.topics.map((t) => t.name)).toEqual(['shop.orders.v1'])
  })

  it('bad references are errors at their line and column', async () => {
    const bad = (source: string, environment = 'history') => `---
apiVersion: streamctl/v1
kind: Replica
metadata: {name: r1}
spec:
  source: ${source}
  environment: ${environment}
`
    expect(await errorsOf('', bad('{environment: prod, topic: shop.orderz.v1}'))).toEqual(['40:38 topic "shop.orderz.v1" is not declared in environment prod'])
    expect(await errorsOf('', bad('{environment: prd, topic: shop.orders.v1}'))).toEqual(['40:25 environment "prd" is not declared'])
    expect(await errorsOf('', bad('{environment: history, topic: shop.orders.v1}'))).toEqual(['40:25 replica "r1" copies from its own environment history'])
    expect(await errorsOf('', bad('{environment: prod, topic: shop.orders.v1}', 'histry'))).toEqual(['41:16 environment "histry" is not declared'])
    const noConnect = ESTATE.replace('  connect: {url: http://127.0.0.1:8083}\n', '')
    expect(noConnect).not.toBe(ESTATE)
    const dir = mkdtempSync(path.join(tmpdir(), 'streamctl-replica-'))
    dirs.push(dir)
    writeFileSync(path.join(dir, 'm.yaml'), noConnect + REPLICA)
    const err = await loadEnvironment(['m.yaml'], 'history', {cwd: dir, processEnv: {PROD_PASSWORD: 'x'}}).then(() => undefined, (e: unknown) => e as DiagnosticsError)
    expect(err!.diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`)).toEqual(['40:16 environment "history" has no Kafka Connect cluster to run this replica\'s MirrorMaker 2 connector'])
  })

  it('replica-read-only: a Service producing the copy, an Acl granting WRITE on it, a source connector writing it', async () => {
    const d = await load(`---
apiVersion: streamctl/v1
kind: Service
metadata: {name: auditor}
spec: {consumes: [prod.shop.orders.v1], produces: [prod.shop.orders.v1]}
---
apiVersion: streamctl/v1
kind: Acl
metadata: {name: ops}
spec:
  principal: "User:ops"
  grants: [{resourceType: TOPIC, resourceName: prod., patternType: PREFIXED, operation: ALL}]
`)
    const f = replicaReadOnly.check(d, {})
    expect(f.map((x) => `${x.resource} ${x.location?.line}`)).toEqual(['Service/auditor 47', 'Acl/User:ops 38'])
    expect(f[0]!.message).toBe('service "auditor" produces to "prod.shop.orders.v1", the read-only copy of prod/shop.orders.v1 (Replica orders-history)')
    // Reading the copy is what it is for; where the copy does not exist, the Service reads nothing of it.
    const reader = `---
apiVersion: streamctl/v1
kind: Service
metadata: {name: auditor}
spec: {consumes: [prod.shop.orders.v1, shop.orders.v1]}
`
    const target = await load(reader)
    expect(replicaReadOnly.check(target, {})).toEqual([])
    expect(target.services.find((x) => x.name === 'auditor')!.consumes.map((c) => c.topic)).toEqual(['prod.shop.orders.v1', 'shop.orders.v1'])
    expect((await load(reader, 'prod')).services.find((x) => x.name === 'auditor')!.consumes.map((c) => c.topic)).toEqual(['shop.orders.v1'])
  })

  it('the MirrorSourceConnector: exact bytes, offset syncs on the target, no config or ACL sync, the source login a secret', async () => {
    const d = await load('')
    const r = d.replicas![0]!
    const c = replicaConnectorSpec(r, {source: r.sourceEnvironment.kafka!, target: {bootstrap: ['10.0.0.2:9092']}, targetAlias: 'history', replicationFactor: 2})
    expect(c.className).toBe('org.apache.kafka.connect.mirror.MirrorSourceConnector')
    const {['source.cluster.sasl.jaas.config']: jaas, ...plain} = c.config
    expect(plain).toEqual({
      'source.cluster.alias': 'prod', 'target.cluster.alias': 'history',
      'source.cluster.bootstrap.servers': '10.0.0.1:9093', 'source.cluster.security.protocol': 'SASL_SSL', 'source.cluster.sasl.mechanism': 'SCRAM-SHA-512',
      'source.cluster.ssl.truststore.type': 'PEM', 'source.cluster.ssl.truststore.location': '/etc/ca.pem',
      'target.cluster.bootstrap.servers': '10.0.0.2:9092', 'target.cluster.security.protocol': 'PLAINTEXT',
      topics: 'shop\\.orders\\.v1', 'replication.policy.class': 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
      'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter', 'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'header.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'sync.topic.configs.enabled': 'false', 'sync.topic.acls.enabled': 'false', 'emit.offset-syncs.enabled': 'true',
      'offset-syncs.topic.location': 'target', 'offset-syncs.topic.replication.factor': '2', 'replication.factor': '2',
    })
    expect(isSecret(jaas)).toBe(true)
    expect((jaas as Secret).reveal()).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required username="mirror" password="s3cret-prod";')
    expect((jaas as Secret).origin).toBe('env:PROD_PASSWORD (the password of mirror)')
    expect(JSON.stringify(c)).not.toContain('s3cret-prod')
  })

  it('lag: source end minus copy end per partition; unknown with the reason when a side is missing', async () => {
    const r = (await load('')).replicas![0]!
    const ends = (xs: number[]) => ({ends: new Map(xs.map((x, i) => [i, x]))})
    const s = replicaStatus(r, ends([10, 0, 5, 7, 7, 7]), ends([10, 0, 2, 7, 7, 9]))
    expect(s.lag).toBe(3)
    expect(s.partitions[2]).toEqual({partition: 2, sourceEnd: 5, copyEnd: 2})
    expect(replicaStatus(r, ends([1, 1, 1, 1, 1, 1]), {missing: 'the copy does not exist yet'})).toMatchObject({lag: null, note: 'the copy does not exist yet'})
  })
})

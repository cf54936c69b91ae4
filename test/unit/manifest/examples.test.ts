import {spawnSync} from 'node:child_process'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {lintManifests} from '../../../src/lint/lint-manifests.js'
import {loadManifests, resolveEnvironment} from '../../../src/manifest/index.js'
import {renderDesired} from '../../../src/manifest/render-desired.js'

const root = path.resolve(import.meta.dirname, '../../..')
const files = ['manifests/examples']
const SERVICE_PASSWORDS = Object.fromEntries(
  ['ORDERS', 'PAYMENTS', 'CUSTOMERS', 'STOCK', 'FULFILMENT', 'RETURNS', 'BILLING'].map((s, i) => [`SHOP_${s}_SERVICE_PASSWORD`, `svc-secret-${i}`]),
)

describe('manifests/examples', () => {
  it('resolves prod with RF 3 and min.insync.replicas 2, policies expanded', async () => {
    const set = await loadManifests(files, {cwd: root, env: {SHOP_PROD_KAFKA_PASSWORD: 'pw-secret-1', SHOP_PROD_REGISTRY_PASSWORD: 'pw-secret-2', SHOP_ANALYTICS_PASSWORD: 'svc-secret-a', ...SERVICE_PASSWORDS}})
    const prod = resolveEnvironment(set, 'prod')
    // Every service has its User in prod; billing has two mechanisms and a fetch quota.
    expect(prod.users.map((u) => u.name)).toEqual(['analytics', 'billing-service', 'customers-service', 'fulfilment-service', 'orders-service', 'payments-service', 'returns-service', 'stock-service'])
    expect(prod.cluster.users!.find((u) => u.name === 'billing-service')!.credentials).toEqual([
      {mechanism: 'SCRAM-SHA-256', iterations: 8192}, {mechanism: 'SCRAM-SHA-512', iterations: 8192},
    ])
    expect(prod.users.find((u) => u.name === 'orders-service')!.password.reveal()).toBe('svc-secret-0')
    expect(prod.cluster.quotas).toEqual([
      {entity: {clientId: null}, values: {producer_byte_rate: 52428800}},
      {entity: {user: 'billing-service'}, values: {consumer_byte_rate: 10485760}},
    ])
    const customers = prod.cluster.topics.find((t) => t.name === 'shop.customers.v1')!
    expect(customers).toMatchObject({partitions: 6, replicationFactor: 3})
    expect(customers.config).toMatchObject({'cleanup.policy': 'compact', 'retention.ms': '-1', 'min.insync.replicas': '2'})
    expect(prod.cluster.topics.find((t) => t.name === 'shop.invoices.v1')!.config).toMatchObject({'cleanup.policy': 'delete', 'retention.ms': '-1'})
    // ${var:domain} in a topic name
    expect(prod.cluster.topics.map((t) => t.name)).toContain('shop.stock.v1')
    expect(prod.cluster.acls).toEqual([])
    expect(prod.cluster.clusterId).toBe('Yb2lz4hTQkOuK9cZr1c0xw')
    expect(prod.cluster.subjects.find((s) => s.subject === 'shop.orders.v1-value')!.schema).toContain('OrderEvent')
    expect(prod.environment.kafka!.sasl!.password.reveal()).toBe('pw-secret-1')
    expect(Object.isFrozen(prod.cluster.topics[0])).toBe(true)
    // Secrets never reach rendered output.
    for (const fmt of ['yaml', 'json'] as const) {
      const out = renderDesired(prod, fmt)
      expect(out).not.toContain('pw-secret')
      expect(out).not.toContain('svc-secret')
      expect(out).toContain('<redacted>')
    }
  })

  it('resolves local for a single-node dev cluster with a shop. prune scope', async () => {
    const local = resolveEnvironment(await loadManifests(files, {cwd: root, env: {}}), 'local', {offline: true})
    expect(local.environment.cluster).toBe('dev')
    expect(local.environment.prune?.prefixes).toEqual(['shop.'])
    for (const t of local.cluster.topics) {
      expect(t.partitions).toBe(1)
      expect(t.replicationFactor).toBe(1)
      expect(Number(t.config['min.insync.replicas'] ?? '1')).toBe(1)
    }
    // Nobody logs in on the PLAINTEXT laptop cluster: the users apply to the secure environments,
    // so their unset passwords do not stop a command that connects to local.
    expect(local.users).toEqual([])
    const unset = await loadManifests(files, {cwd: root, env: {}})
    expect(resolveEnvironment(unset, 'local').users).toEqual([])
    expect(() => resolveEnvironment(unset, 'local-secure')).toThrow(/error\(s\) in manifests/)
  })

  it('fails online resolution when a secret variable is missing', async () => {
    const set = await loadManifests(files, {cwd: root, env: {}})
    expect(() => resolveEnvironment(set, 'prod')).toThrow(/error\(s\) in manifests/)
  })

  it('lints clean in every environment', async () => {
    const r = await lintManifests({files, cwd: root, processEnv: {}})
    expect(r.environments).toEqual(['local', 'local-secure', 'staging', 'prod'])
    expect(r.findings).toEqual([])
  })

  it('passes `validate -e prod` and `lint` through the CLI', () => {
    const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/dev.js', ...args], {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    const v = cli(['validate', '-f', 'manifests/examples', '-e', 'prod'])
    expect(v.status).toBe(0)
    expect(v.stdout).toContain('✓ prod: 10 topics')
    const l = cli(['lint', '-f', 'manifests/examples', '--json'])
    expect(l.status).toBe(0)
    expect(JSON.parse(l.stdout)).toMatchObject({errors: 0, environments: ['local', 'local-secure', 'staging', 'prod']})
    const bad = cli(['validate', '-f', 'test/fixtures/manifests/bad/unknown-config-key'])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('test/fixtures/manifests/bad/unknown-config-key/m.yaml:14:5: error: unknown topic config "retention.msec"')
    expect(bad.stderr).toContain('hint: did you mean "retention.ms"?')
    const ambiguous = cli(['render', '-f', 'manifests/examples'])
    expect(ambiguous.status).toBe(2)
    expect(ambiguous.stderr).toContain('hint: choose one with -e ENV')
    const rendered = cli(['render', '-f', 'manifests/examples', '-e', 'prod', '--format', 'json'])
    expect(rendered.status).toBe(0)
    expect(JSON.parse(rendered.stdout).environment.kafka.sasl.password).toBe('<redacted>')
  }, 120_000)
})

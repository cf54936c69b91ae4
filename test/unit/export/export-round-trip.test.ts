import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {exportState, inferPolicy} from '../../../src/export/export-state.js'
import {exportFiles} from '../../../src/export/write-yaml.js'
import {runLint} from '../../../src/lint/run-lint.js'
import {loadManifests, resolveEnvironment, TOPIC_CONFIGS} from '../../../src/manifest/index.js'
import type {DesiredState} from '../../../src/model/desired.js'
import {quotaEntityKey, type ClusterState, type ObservedConfigEntry, type TopicState} from '../../../src/model/state.js'
import {Secret} from '../../../src/model/secret.js'
import {deriveAcls} from '../../../src/plan/acl-derive.js'
import {topicDefaultsFrom} from '../../../src/plan/options.js'
import {planChanges} from '../../../src/plan/planner.js'

const DEFAULTS = topicDefaultsFrom(TOPIC_CONFIGS)
const EXAMPLES = path.resolve(import.meta.dirname, '../../../manifests/examples')
const dirs: string[] = []
afterAll(() => { for (const d of dirs) rmSync(d, {recursive: true, force: true}) })

/**
 * What a cluster holds after applying `desired`: every declared config key set on the topic
 * (source TOPIC, as CreateTopics leaves it), the rest at Kafka's defaults, the derived ACLs, the
 * subjects. Built independently of the export code.
 */
function applied(desired: DesiredState): ClusterState {
  const topics: TopicState[] = desired.cluster.topics.map((t) => {
    const effective: Record<string, ObservedConfigEntry> = {}
    for (const [k, d] of Object.entries(DEFAULTS)) effective[k] = t.config[k] !== undefined ? {value: t.config[k]!, source: 'TOPIC', inheritedValue: d} : {value: d, source: 'DEFAULT'}
    return {name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: {...t.config}, effectiveConfig: effective}
  })
  const acls = [...desired.cluster.acls, ...deriveAcls(desired.services, desired.topicMeta).acls]
  return {clusterId: 'c1', topics, acls, subjects: desired.cluster.subjects.map((s, i) => ({...s, version: 1, id: i + 1}))}
}

async function reload(files: {name: string; content: string}[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamctl-export-rt-'))
  dirs.push(dir)
  for (const f of files) writeFileSync(path.join(dir, f.name), f.content)
  return loadManifests(['.'], {cwd: dir, env})
}

describe('export round trip (pure)', () => {
  it('infers policies from cleanup.policy and retention', () => {
    expect(inferPolicy('compact', '-1')).toBe('table')
    expect(inferPolicy('delete', '-1')).toBe('versioned')
    expect(inferPolicy('delete', '604800000')).toBe('stream')
    expect(inferPolicy(null, null)).toBe('stream')
    expect(inferPolicy('compact', '604800000')).toBeUndefined()
    expect(inferPolicy('compact,delete', '-1')).toBeUndefined()
  })

  it('the example estate, applied then exported, validates, lints clean and plans no changes', async () => {
    const original = resolveEnvironment(await loadManifests([EXAMPLES], {env: {}}), 'local', {offline: true})
    const observed = applied(original)
    const exported = exportState(observed, original.environment, DEFAULTS)
    const files = exportFiles(exported, 'test')
    const desired = resolveEnvironment(await reload(files), 'local', {offline: true})

    // What live data can tell is recovered: policies, owners, topic-strategy schema links.
    const meta = (name: string) => desired.topicMeta.find((m) => m.name === name)!
    for (const m of original.topicMeta) {
      expect(meta(m.name).policy, m.name).toBe(m.policy ?? 'stream')
      expect(meta(m.name).owner, m.name).toBe(m.owner)
      if (m.valueSchema?.strategy === 'topic') expect(meta(m.name).valueSchema?.schema, m.name).toBeDefined()
    }
    expect(desired.cluster.topics).toEqual(original.cluster.topics.map((t) => expect.objectContaining({name: t.name, partitions: t.partitions})))

    // The one thing live data cannot tell: a record-strategy subject does not name its topic, so
    // that topic's value schema is unknown and its rule is relaxed to a warning, naming it.
    expect(exported.policies.map((p) => p.spec.rules)).toEqual([{'value-schema-required': 'warning'}])
    const findings = runLint(desired)
    expect(findings.map((f) => `${f.severity} ${f.rule} ${f.resource}`)).toEqual(['warning value-schema-required Topic/shop.customers-history.v1'])
    const plan = planChanges(desired, observed, {allowDelete: false, topicDefaults: DEFAULTS})
    expect(plan.actions).toEqual([])
    expect(plan.blocked).toEqual([])
  })

  it('a cluster nobody curated exports with a Policy that turns the rules it breaks into warnings', async () => {
    const observed: ClusterState = {
      clusterId: 'c1',
      topics: [
        {name: 'Legacy_Events', partitions: 200, replicationFactor: 1, config: {'retention.ms': '-1'}, effectiveConfig: {'retention.ms': {value: '-1', source: 'TOPIC'}}},
        {name: 'shop.latest.v1', partitions: 1, replicationFactor: 1, config: {'cleanup.policy': 'compact', 'retention.ms': '-1'}},
      ],
      acls: [],
      subjects: [],
    }
    const env = {name: 'legacy', productionLike: false, defaults: {config: {}}, protect: [], variables: {}, kafka: {bootstrap: ['k:9092']}}
    const exported = exportState(observed, env, DEFAULTS)
    expect(exported.topics.map((t) => [t.metadata.name, t.spec.policy, t.spec.config])).toEqual([['Legacy_Events', 'versioned', undefined], ['shop.latest.v1', 'table', undefined]])
    expect(exported.policies).toHaveLength(1)
    expect(exported.policies[0]!.spec.rules).toEqual({'topic-naming': 'warning', 'owner-required': 'warning', 'value-schema-required': 'warning'})
    const files = exportFiles(exported, 'test')
    expect(files.find((f) => f.name === 'policy.yaml')!.content).toMatch(/# +owner-required: Topic\/Legacy_Events, Topic\/shop\.latest\.v1/)
    const desired = resolveEnvironment(await reload(files), 'legacy', {offline: true})
    expect(runLint(desired).filter((f) => f.severity === 'error')).toEqual([])
    expect(planChanges(desired, observed, {allowDelete: false, topicDefaults: DEFAULTS}).actions).toEqual([])
  })

  it('users and quotas export without passwords: each User names the variable to fill in, the connected user keeps its own', async () => {
    const observed: ClusterState = {
      clusterId: 'c1', topics: [], acls: [], subjects: [],
      users: [
        {name: 'admin', credentials: [{mechanism: 'SCRAM-SHA-512', iterations: 4096}]},
        {name: 'billing-service', credentials: [{mechanism: 'SCRAM-SHA-256', iterations: 8192}, {mechanism: 'SCRAM-SHA-512', iterations: 8192}]},
      ],
      quotas: [
        {entity: {user: 'billing-service'}, values: {consumer_byte_rate: 10485760}},
        {entity: {clientId: null}, values: {producer_byte_rate: 52428800}},
        {entity: {user: 'billing-service', clientId: 'replay'}, values: {request_percentage: 50}},
      ],
    }
    const connection = {bootstrap: ['k:9093'], sasl: {mechanism: 'scram-sha-512' as const, username: 'admin', password: new Secret('pw', 'env:KAFKA_ADMIN_PASSWORD')}}
    const env = {name: 'legacy', productionLike: false, defaults: {config: {}}, protect: [], variables: {}, kafka: connection}
    const exported = exportState(observed, env, DEFAULTS, {connection})
    expect(exported.users.map((u) => [u.metadata.name, u.spec.password])).toEqual([
      ['admin', '${env:KAFKA_ADMIN_PASSWORD}'], ['billing-service', '${env:STREAMCTL_PASSWORD_BILLING_SERVICE}'],
    ])
    expect(exported.users[1]!.spec.quotas).toEqual({consumer_byte_rate: 10485760})
    expect(exported.quotas.map((q) => q.spec)).toEqual([
      {clientId: '<default>', quotas: {producer_byte_rate: 52428800}},
      {user: 'billing-service', clientId: 'replay', quotas: {request_percentage: 50}},
    ])
    const files = exportFiles(exported, 'test')
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['users.yaml', 'quotas.yaml']))
    expect(JSON.stringify(files)).not.toContain('"pw"')
    const desired = resolveEnvironment(await reload(files, {KAFKA_ADMIN_PASSWORD: 'pw', STREAMCTL_PASSWORD_BILLING_SERVICE: 'b'}), 'legacy')
    expect(desired.cluster.users).toEqual(observed.users)
    expect(desired.cluster.quotas).toEqual([...observed.quotas!].sort((a, b) => (quotaEntityKey(a.entity) < quotaEntityKey(b.entity) ? -1 : 1)))
    // Against the same cluster only the passwords streamctl cannot know are planned (the connected one it can).
    const judged: ClusterState = {...observed, connectedUser: 'admin', users: [
      {name: 'admin', credentials: [{mechanism: 'SCRAM-SHA-512', iterations: 4096, password: 'matches'}]},
      {name: 'billing-service', credentials: [{mechanism: 'SCRAM-SHA-256', iterations: 8192, password: 'unknown'}, {mechanism: 'SCRAM-SHA-512', iterations: 8192, password: 'unknown'}]},
    ]}
    const plan = planChanges(desired, judged, {allowDelete: false, topicDefaults: DEFAULTS})
    expect(plan.actions.map((a) => a.id)).toEqual(['user.credential.upsert:billing-service/SCRAM-SHA-256', 'user.credential.upsert:billing-service/SCRAM-SHA-512'])
    expect(exportState(observed, env, DEFAULTS, {connection, users: false}).users).toEqual([])
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {TOPIC_CONFIGS} from '../../../src/manifest/index.js'
import {submittedConfig, type ConnectorSpec} from '../../../src/model/connector.js'
import type {DesiredState} from '../../../src/model/desired.js'
import {Secret} from '../../../src/model/secret.js'
import type {ClusterState} from '../../../src/model/state.js'
import {diffConnectors} from '../../../src/plan/connector-diff.js'
import {topicDefaultsFrom} from '../../../src/plan/options.js'
import {diffSides} from '../../../src/reconcile/diff-states.js'
import {renderPlanJson} from '../../../src/render/plan-json.js'
import {renderPlanText} from '../../../src/render/plan-text.js'

const DEFAULTS = topicDefaultsFrom(TOPIC_CONFIGS)

const connector = (name: string, config: Record<string, string | Secret>, extra: Partial<ConnectorSpec> = {}): ConnectorSpec =>
  ({name, className: 'org.apache.kafka.connect.file.FileStreamSinkConnector', state: 'running', config, keyLocations: {}, ...extra})

describe('diff with connectors', () => {
  const staging = {
    connectors: [
      connector('archive', {topics: 'shop.orders.v1', file: '/data/a.txt', 'batch.size': '2000'}),
      connector('old', {topics: 'shop.old.v1', file: '/data/o.txt'}),
      connector('mirror', {'source.cluster.sasl.jaas.config': new Secret('… password="staging-pw";', 'staging (a credential)'), topics: 'x'}, {className: 'MirrorSourceConnector'}),
    ],
    // The live side's definitions: batch.size defaults to 2000.
    definitions: {archive: {'batch.size': {default: '2000', type: 'INT'}}},
  }
  const prod = {
    connectors: [
      connector('archive', {topics: 'shop.orders.v1', file: '/data/b.txt'}, {tasks: 2}),
      connector('new', {topics: 'shop.new.v1', file: '/data/n.txt'}, {state: 'paused'}),
      connector('mirror', {'source.cluster.sasl.jaas.config': new Secret('… password="prod-pw";', 'env:PROD_PASSWORD'), topics: 'x'}, {className: 'MirrorSourceConnector', state: 'stopped'}),
    ],
    definitions: {},
  }

  it('only in B is a create, only in A a delete, in both the keys that differ (default-aware) and the state; secrets compared, shown by origin only', () => {
    const p = diffConnectors(staging, prod)
    expect(p.actions.map((a) => a.id)).toEqual([
      'connector.config.update:archive', 'connector.config.update:mirror', 'connector.stop:mirror', 'connector.create:new', 'connector.delete:old',
    ])
    // batch.size: 2000 is the plugin's default, left out on the other side: no difference.
    expect(p.actions[0]).toMatchObject({changes: [{key: 'file', before: {value: '/data/a.txt'}, after: {value: '/data/b.txt'}}, {key: 'tasks.max', after: {value: '2'}}]})
    expect(p.actions[3]).toMatchObject({kind: 'connector.create', initialState: 'PAUSED'})
    expect(p.actions[1]).toMatchObject({changes: [{key: 'source.cluster.sasl.jaas.config', before: {secret: 'staging (a credential)'}, after: {secret: 'env:PROD_PASSWORD'}}]})
    expect(p.actions[2]).toMatchObject({from: 'RUNNING', risk: 'disruptive'})
    expect(JSON.stringify(p)).not.toMatch(/staging-pw|prod-pw/)
    expect(diffConnectors(prod, prod).actions).toEqual([])
  })

  it('diffSides puts them in the plan (summary, text, JSON) when both sides have a Connect cluster, and leaves them out otherwise', () => {
    const live: ClusterState = {clusterId: 'c1', topics: [], acls: [], subjects: []}
    const desired: DesiredState = {
      environment: {name: 'prod', productionLike: false, defaults: {config: {}}, protect: [], variables: {}},
      cluster: {topics: [], acls: [], subjects: []}, topicMeta: [], services: [], users: [], schemas: [], jobs: [], policies: [],
    }
    const plan = diffSides({kind: 'live', label: 'staging', observed: live, connectors: staging}, {kind: 'manifest', label: 'manifest:prod', desired, connectors: prod}, DEFAULTS)
    expect(plan.summary).toEqual({add: 1, change: 3, destroy: 1, blocked: 0})
    const text = renderPlanText(plan, undefined, {heading: 'diff', noChanges: 'No differences.'})
    expect(text).toContain('~ update connector archive')
    expect(text).toContain('source.cluster.sasl.jaas.config: (secret from staging (a credential)) → (secret from env:PROD_PASSWORD)')
    expect(renderPlanJson(plan)).not.toMatch(/staging-pw|prod-pw/)
    const without = diffSides({kind: 'live', label: 'bootstrap:x', observed: live}, {kind: 'manifest', label: 'manifest:prod', desired, connectors: prod}, DEFAULTS)
    expect(without.connectors).toBeUndefined()
  })
})

const SEED = Number(process.env.FC_SEED ?? 28028)
const RUNS = Number(process.env.FC_RUNS ?? 200)
console.log(`connector diff properties: fast-check seed ${SEED}, ${RUNS} runs (FC_SEED / FC_RUNS to change)`)

/** Side A with diff(A, B)'s actions applied as a reader of the diff would: what B holds. */
function applied(a: readonly ConnectorSpec[], b: readonly ConnectorSpec[], p: ReturnType<typeof diffConnectors>): Map<string, {state: string; config: Record<string, string>}> {
  const text = (c: ConnectorSpec) => Object.fromEntries(Object.entries(submittedConfig(c)).map(([k, v]) => [k, typeof v === 'string' ? v : v.reveal()]))
  const out = new Map(a.map((c) => [c.name, {state: c.state, config: text(c)}]))
  const inB = new Map(b.map((c) => [c.name, c]))
  const STATES = {'connector.resume': 'running', 'connector.pause': 'paused', 'connector.stop': 'stopped'} as const
  for (const x of p.actions) {
    if (x.kind === 'connector.delete') out.delete(x.connector)
    else if (x.kind === 'connector.create') out.set(x.connector, {state: inB.get(x.connector)!.state, config: text(inB.get(x.connector)!)})
    else if (x.kind === 'connector.config.update') {
      const c = out.get(x.connector)!
      for (const ch of x.changes) {
        if (ch.after === undefined) delete c.config[ch.key]
        else c.config[ch.key] = text(inB.get(x.connector)!)[ch.key]!
      }
    } else if (x.kind in STATES) out.get(x.connector)!.state = STATES[x.kind as keyof typeof STATES]
  }
  return out
}

describe('diff with connectors: properties', () => {
  const value = fc.oneof(fc.constantFrom('a', 'b', '1', ''), fc.string({maxLength: 4}).map((s) => new Secret(`pw-${s}`, 'env:X')))
  const spec = (name: string) => fc.record({
    state: fc.constantFrom('running', 'paused', 'stopped'),
    tasks: fc.option(fc.integer({min: 1, max: 3}), {nil: undefined}),
    config: fc.dictionary(fc.constantFrom('topics', 'file', 'batch.size', 'db.password'), value),
  }).map((r): ConnectorSpec => connector(name, r.config, {state: r.state as ConnectorSpec['state'], ...(r.tasks ? {tasks: r.tasks} : {})}))
  const side = fc.subarray(['c1', 'c2', 'c3', 'c4']).chain((names) => fc.tuple(...names.map(spec)))

  it('applying diff(A, B) to A gives B; diff(B, B) is empty; no secret value is ever in it', () => {
    fc.assert(fc.property(side, side, (a, b) => {
      const p = diffConnectors({connectors: a, definitions: {}}, {connectors: b, definitions: {}})
      const want = applied(b, b, {actions: [], unmanaged: []})
      expect(applied(a, b, p)).toEqual(want)
      expect(diffConnectors({connectors: b, definitions: {}}, {connectors: b, definitions: {}}).actions).toEqual([])
      expect(JSON.stringify(p)).not.toContain('pw-')
    }), {seed: SEED, numRuns: RUNS})
  })
})

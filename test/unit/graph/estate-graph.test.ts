import {describe, expect, it} from 'vitest'
import {applyLiveLag, buildEstateGraph, jobGroup, selectSubgraph, type EstateGraph, type GraphEdge} from '../../../src/graph/index.js'
import {jobGroupId} from '../../../src/operations/runner.js'
import {desiredOf, examplesDesired} from './estates.js'

const edge = (g: EstateGraph, from: string, to: string): GraphEdge | undefined => g.edges.find((e) => e.from === from && e.to === to)
const names = (g: EstateGraph, kind: string) => g.nodes.filter((n) => n.kind === kind).map((n) => n.name)

describe('estate graph of the examples', () => {
  it('has every service, topic, group and job, with produce/consume/member edges', async () => {
    const g = buildEstateGraph(await examplesDesired('local'))
    expect(g.environment).toBe('local')
    expect(names(g, 'service')).toEqual(['analytics', 'billing-service', 'customers-service', 'fulfilment-service', 'orders-service', 'payments-service', 'returns-service', 'stock-service'])
    expect(names(g, 'topic')).toHaveLength(10)
    expect(names(g, 'job')).toEqual(['customers-history', 'customers-rebuild', 'orders-by-customer'])
    // Policies come from the Topic resources.
    expect(g.nodes.find((n) => n.id === 'topic:shop.customers.v1')).toMatchObject({policy: 'table', owner: 'customers-service', declared: true, labels: {domain: 'customers'}})
    expect(edge(g, 'service:orders-service', 'topic:shop.orders.v1')).toMatchObject({kind: 'produce', origin: 'manifest'})
    expect(edge(g, 'topic:shop.orders.v1', 'group:billing-orders')).toMatchObject({kind: 'consume', group: 'billing-orders'})
    expect(edge(g, 'group:billing-orders', 'service:billing-service')).toMatchObject({kind: 'member'})
    // analytics declares no groups: the convention is one group named after the Service.
    expect(edge(g, 'topic:shop.invoices.v1', 'group:analytics')).toBeDefined()
    expect(edge(g, 'group:analytics', 'service:analytics')).toBeDefined()
    // The repartition job reads with its own group and writes its target and dead-letter topics.
    expect(edge(g, 'topic:shop.orders.v1', 'job:orders-by-customer')).toMatchObject({kind: 'consume', group: 'streamctl-job-orders-by-customer'})
    expect(edge(g, 'job:orders-by-customer', 'topic:shop.orders-by-customer.dlq.v1')).toMatchObject({kind: 'produce', role: 'dead-letter'})
    // Every edge joins two nodes; ids are unique; sorted output is deterministic.
    const ids = new Set(g.nodes.map((n) => n.id))
    expect(ids.size).toBe(g.nodes.length)
    for (const e of g.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true)
    expect(buildEstateGraph(await examplesDesired('local'))).toEqual(g)
  })

  it("names the job's group as the job runner does", () => {
    for (const job of ['orders-by-customer', 'x', 'a.b-c_d']) expect(jobGroup(job)).toBe(jobGroupId(job))
  })
})

describe('estate graph cases', () => {
  it('an empty estate is an empty graph', () => {
    expect(buildEstateGraph(desiredOf({environment: 'empty'}))).toEqual({environment: 'empty', nodes: [], edges: []})
  })

  it('a service that consumes and produces the same topic has both edges', () => {
    const g = buildEstateGraph(desiredOf({topics: [{name: 't'}], services: [{name: 's', produces: ['t'], consumes: [{topic: 't', groups: ['g']}]}]}))
    expect(g.edges.map((e) => `${e.kind} ${e.from} ${e.to}`)).toEqual(['member group:g service:s', 'produce service:s topic:t', 'consume topic:t group:g'])
  })

  it('groups: [] reads straight into the service; prefixes are their own nodes; a shared group has two members', () => {
    const g = buildEstateGraph(desiredOf({topics: [{name: 't'}], services: [
      {name: 'a', consumes: [{topic: 't', groups: []}]},
      {name: 'b', consumes: [{topic: 't', groups: ['shared'], groupPrefixes: ['replay-']}]},
      {name: 'c', consumes: [{topic: 't', groups: ['shared']}]},
    ]}))
    expect(edge(g, 'topic:t', 'service:a')).toMatchObject({kind: 'consume'})
    expect(g.nodes.find((n) => n.id === 'group-prefix:replay-')).toMatchObject({match: 'prefix', name: 'replay-'})
    expect(g.edges.filter((e) => e.from === 'group:shared').map((e) => e.to)).toEqual(['service:b', 'service:c'])
  })

  it('an undeclared topic is an undeclared node; a cross-environment job points at the other environment', () => {
    const g = buildEstateGraph(desiredOf({environment: 'prod', topics: [{name: 'src'}], jobs: [
      {name: 'copy', source: {topic: 'src'}, target: {topic: 'out'}},
      {name: 'pull', source: {topic: 'src', environment: 'staging'}, target: {topic: 'src', environment: 'prod'}},
    ]}))
    expect(g.nodes.find((n) => n.id === 'topic:out')).toMatchObject({declared: false})
    expect(g.nodes.find((n) => n.id === 'topic@staging:src')).toMatchObject({environment: 'staging', name: 'src'})
    // No group on an edge from another cluster: its position is not a group on this one.
    expect(edge(g, 'topic@staging:src', 'job:pull')).toEqual({kind: 'consume', from: 'topic@staging:src', to: 'job:pull', origin: 'manifest'})
    expect(edge(g, 'job:pull', 'topic:src')).toBeDefined()
  })

  it('connectors and replicas have their typed place', () => {
    const g = buildEstateGraph(desiredOf({environment: 'prod', topics: [{name: 'a'}]}), {
      connectors: [{name: 'sink', direction: 'sink', topics: ['a'], group: 'connect-sink'}, {name: 'src', direction: 'source', topics: ['b']}],
      replicas: [{name: 'r', source: {environment: 'staging', topic: 'a'}, topic: 'a.copy'}],
    })
    expect(edge(g, 'topic:a', 'connector:sink')).toMatchObject({kind: 'consume', group: 'connect-sink'})
    expect(edge(g, 'connector:src', 'topic:b')).toMatchObject({kind: 'produce'})
    expect(edge(g, 'topic@staging:a', 'topic:a.copy')).toMatchObject({kind: 'replicate'})
  })

  it('draws the declared connectors and replicas of the desired state by default', () => {
    const base = desiredOf({environment: 'prod', topics: [{name: 'a'}, {name: 'staging.a'}]})
    const connector = (name: string, className: string, config: Record<string, string>) => ({name, className, state: 'running', config, keyLocations: {}})
    const desired = {
      ...base,
      connectors: [
        connector('to-files', 'FileStreamSink', {topics: 'a', file: '/tmp/a'}),
        connector('from-files', 'FileStreamSource', {topic: 'b', file: '/tmp/b'}),
        connector('regex', 'FileStreamSink', {'topics.regex': 'a.*', file: '/tmp/c'}),
      ],
      replicas: [{name: 'a-copy', source: {environment: 'staging', topic: 'a'}, topic: 'staging.a', partitions: 1, connector: 'replica-a-copy'}],
    } as unknown as typeof base
    const g = buildEstateGraph(desired)
    expect(edge(g, 'topic:a', 'connector:to-files')).toMatchObject({kind: 'consume', group: 'connect-to-files'})
    expect(edge(g, 'connector:from-files', 'topic:b')).toMatchObject({kind: 'produce'})
    // A sink that names its topics by regex is drawn, without edges it cannot know.
    expect(g.nodes.some((n) => n.id === 'connector:regex')).toBe(true)
    expect(g.edges.filter((e) => e.from === 'connector:regex' || e.to === 'connector:regex')).toEqual([])
    expect(edge(g, 'topic@staging:a', 'topic:staging.a')).toMatchObject({kind: 'replicate'})
  })
})

describe('live overlay', () => {
  const base = () => buildEstateGraph(desiredOf({topics: [{name: 't'}, {name: 'u'}], services: [{name: 's', consumes: [{topic: 't', groups: ['g'], groupPrefixes: ['replay-']}]}], jobs: [{name: 'j', source: {topic: 't'}, target: {topic: 'u'}}]}))
  const lag = (records: number, uncommittedPartitions = 0) => ({records, partitions: 3, uncommittedPartitions})

  it('puts lag on the declared edges and the state on the group', () => {
    const g = applyLiveLag(base(), {observedAt: '2026-12-04T00:00:00.000Z', groups: [
      {group: 'g', state: 'Stable', members: 2, topics: [{topic: 't', ...lag(42)}]},
      {group: 'streamctl-job-j', topics: [{topic: 't', ...lag(7, 1)}]},
    ]})
    expect(g.live).toEqual({observedAt: '2026-12-04T00:00:00.000Z'})
    expect(edge(g, 'topic:t', 'group:g')!.lag).toEqual(lag(42))
    expect(g.nodes.find((n) => n.id === 'group:g')).toMatchObject({live: {state: 'Stable', members: 2}})
    expect(edge(g, 'topic:t', 'job:j')!.lag).toEqual(lag(7, 1))
  })

  it('an undeclared reader becomes a live group; a prefix match joins its service; other topics are left out', () => {
    const g = applyLiveLag(base(), {observedAt: 'now', groups: [
      {group: 'stranger', topics: [{topic: 't', ...lag(1)}, {topic: 'not-in-graph', ...lag(5)}]},
      {group: 'replay-2026', topics: [{topic: 't', ...lag(3)}]},
      {group: 'g', topics: [{topic: 'u', ...lag(9)}]},
    ]})
    expect(g.nodes.find((n) => n.id === 'group:stranger')).toMatchObject({origin: 'live'})
    expect(edge(g, 'topic:t', 'group:stranger')).toMatchObject({origin: 'live', lag: lag(1)})
    expect(g.nodes.some((n) => n.name === 'not-in-graph')).toBe(false)
    expect(edge(g, 'topic:t', 'group:replay-2026')).toMatchObject({origin: 'manifest', lag: lag(3)})
    expect(edge(g, 'group:replay-2026', 'service:s')).toMatchObject({kind: 'member'})
    // A declared group reading a topic its service does not declare: a live edge.
    expect(edge(g, 'topic:u', 'group:g')).toMatchObject({origin: 'live', lag: lag(9)})
  })
})

describe('selectSubgraph', () => {
  it('keeps the topics, their neighbours and the services behind their groups', async () => {
    const g = buildEstateGraph(await examplesDesired('local'))
    const s = selectSubgraph(g, ['shop.returns.v1'])
    expect(s.nodes.map((n) => n.id)).toEqual([
      'group:billing-returns', 'group:stock-returns', 'service:billing-service', 'service:returns-service', 'service:stock-service', 'topic:shop.returns.v1',
    ])
    expect(s.edges.every((e) => g.edges.some((x) => JSON.stringify(x) === JSON.stringify(e)))).toBe(true)
  })

  it('draws a name the graph lacks as an undeclared topic', () => {
    const s = selectSubgraph(buildEstateGraph(desiredOf({topics: [{name: 't'}]})), ['gone'])
    expect(s.nodes).toEqual([{kind: 'topic', id: 'topic:gone', name: 'gone', labels: {}, declared: false}])
  })
})

describe('graphEnvironment (offline)', () => {
  it('warns beyond Mermaid\'s default edge limit, and not below it', async () => {
    const {graphEnvironment} = await import('../../../src/graph/graph-environment.js')
    const topics = Array.from({length: 300}, (_, i) => ({name: `t${i}`}))
    const big = desiredOf({topics, services: [{name: 's', produces: topics.map((t) => t.name), consumes: topics.map((t) => ({topic: t.name, groups: []}))}]})
    const r = await graphEnvironment(big, {format: 'mermaid'})
    expect(r.graph.edges).toHaveLength(600)
    expect(r.warnings).toEqual([expect.stringMatching(/^warning: the diagram has 600 edges and \d+ characters; Mermaid renders at most 500 edges/)])
    expect((await graphEnvironment(big, {format: 'mermaid', topics: ['t1']})).warnings).toEqual([])
    expect((await graphEnvironment(big, {format: 'dot'})).warnings).toEqual([])
  })
})

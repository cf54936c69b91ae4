import type {DesiredState, JobKind, TopicPolicy} from '../model/desired.js'
import {connectorTopics} from '../model/connector.js'

/**
 * The estate as a graph: who writes which topic, who reads it (through which consumer group),
 * which jobs copy between topics. Pure data built from the DesiredState; live lag comes in as an
 * overlay (live-overlay.ts), and the renderers (mermaid.ts, dot.ts) read only this type, so the
 * picture and the JSON (`graph --json`) cannot disagree.
 */
export const GRAPH_NODE_KINDS = ['service', 'topic', 'group', 'job', 'connector'] as const
export type GraphNodeKind = (typeof GRAPH_NODE_KINDS)[number]

/**
 * - produce: service | job | connector → topic
 * - consume: topic → group | job | connector, or → service for a Service that reads without a group
 * - member: group → service (the service's consumers run in the group)
 * - replicate: topic → topic (a read-only copy in another environment)
 */
export const GRAPH_EDGE_KINDS = ['produce', 'consume', 'member', 'replicate'] as const
export type GraphEdgeKind = (typeof GRAPH_EDGE_KINDS)[number]

/** `manifest`: declared; `live`: only seen on the cluster (a group nobody declared reads the topic). */
export const GRAPH_ORIGINS = ['manifest', 'live'] as const
export type GraphOrigin = (typeof GRAPH_ORIGINS)[number]

export interface ServiceNode {
  readonly kind: 'service'
  readonly id: string
  readonly name: string
  readonly principal: string
}

export interface TopicNode {
  readonly kind: 'topic'
  readonly id: string
  readonly name: string
  /** Set only for a topic of another environment (a cross-environment job's source or target). */
  readonly environment?: string
  readonly policy?: TopicPolicy
  readonly owner?: string
  readonly labels: Readonly<Record<string, string>>
  /** False for a topic the graph names without a Topic resource (an undeclared job target, a planned delete). */
  readonly declared: boolean
}

export interface GroupLive {
  readonly state?: string
  readonly members?: number
}

export interface GroupNode {
  readonly kind: 'group'
  readonly id: string
  readonly name: string
  /** `prefix`: a Service's `groupPrefixes` entry, standing for every group that starts with it. */
  readonly match: 'literal' | 'prefix'
  readonly origin: GraphOrigin
  readonly live?: GroupLive
}

export interface JobNode {
  readonly kind: 'job'
  readonly id: string
  readonly name: string
  readonly jobKind: JobKind
  /** The consumer group `streamctl run` reads the source with (its lag is the job's backlog). */
  readonly group: string
}

/** A typed place for Kafka Connect connectors; the manifests do not declare them yet. */
export interface ConnectorNode {
  readonly kind: 'connector'
  readonly id: string
  readonly name: string
  readonly direction: 'source' | 'sink'
  readonly connectorClass?: string
  /** A sink's consumer group (Connect's default is `connect-<name>`). */
  readonly group?: string
}

export type GraphNode = ServiceNode | TopicNode | GroupNode | JobNode | ConnectorNode

export interface EdgeLag {
  /** Records between the group's committed offsets (the log start where it has none) and the ends. */
  readonly records: number
  readonly partitions: number
  /** Partitions of the topic the group has no committed offset on. */
  readonly uncommittedPartitions: number
}

export interface GraphEdge {
  readonly kind: GraphEdgeKind
  readonly from: string
  readonly to: string
  readonly origin: GraphOrigin
  /** `dead-letter`: the produce edge to a job's dead-letter topic. */
  readonly role?: 'dead-letter'
  /** The consumer group a consume edge reads through (absent for a Service that reads without one). */
  readonly group?: string
  /** Consume edges read through a group, when the graph was built with a live overlay. */
  readonly lag?: EdgeLag
}

export interface EstateGraph {
  readonly environment: string
  /** Sorted by id. */
  readonly nodes: readonly GraphNode[]
  /** Sorted by (from, to, kind, group). */
  readonly edges: readonly GraphEdge[]
  /** Present when live lag was read from the cluster. */
  readonly live?: {readonly observedAt: string}
}

/** Connectors and replicas in the graph's terms; by default read from the DesiredState (estateExtrasOf). */
export interface EstateExtras {
  readonly connectors?: readonly {
    readonly name: string
    readonly direction: 'source' | 'sink'
    readonly connectorClass?: string
    readonly topics: readonly string[]
    readonly group?: string
  }[]
  readonly replicas?: readonly {
    readonly name: string
    readonly source: {readonly environment: string; readonly topic: string}
    readonly topic: string
  }[]
}

/** The group `streamctl run JOB` uses; equal to src/operations/runner.ts jobGroupId (a test keeps them equal). */
export function jobGroup(job: string): string {
  return `streamctl-job-${job}`
}

// Topic names never contain ':', so the last ':' of a topic id separates the environment from the name.
export const serviceId = (name: string): string => `service:${name}`
export const topicId = (name: string, environment?: string): string => (environment === undefined ? `topic:${name}` : `topic@${environment}:${name}`)
export const groupId = (name: string, match: 'literal' | 'prefix' = 'literal'): string => (match === 'prefix' ? `group-prefix:${name}` : `group:${name}`)
export const jobId = (name: string): string => `job:${name}`
export const connectorId = (name: string): string => `connector:${name}`

/** Accumulates nodes and edges once each; `graph()` returns them sorted. */
export class GraphBuilder {
  readonly #nodes = new Map<string, GraphNode>()
  readonly #edges = new Map<string, GraphEdge>()

  constructor(private readonly environment: string) {}

  static from(graph: EstateGraph): GraphBuilder {
    const b = new GraphBuilder(graph.environment)
    for (const n of graph.nodes) b.#nodes.set(n.id, n)
    for (const e of graph.edges) b.#edges.set(edgeKey(e), e)
    return b
  }

  has(id: string): boolean {
    return this.#nodes.has(id)
  }

  node(id: string): GraphNode | undefined {
    return this.#nodes.get(id)
  }

  /** The first declaration of a node wins (a declared topic over a bare reference to it). */
  add(node: GraphNode): string {
    if (!this.#nodes.has(node.id)) this.#nodes.set(node.id, node)
    return node.id
  }

  replace(node: GraphNode): void {
    this.#nodes.set(node.id, node)
  }

  /** A topic node for a name, undeclared when no Topic resource made it first. */
  topic(name: string, environment?: string): string {
    return this.add({kind: 'topic', id: topicId(name, environment), name, ...(environment === undefined ? {} : {environment}), labels: {}, declared: false})
  }

  edge(edge: GraphEdge): void {
    const key = edgeKey(edge)
    if (!this.#edges.has(key)) this.#edges.set(key, edge)
  }

  replaceEdge(edge: GraphEdge): void {
    this.#edges.set(edgeKey(edge), edge)
  }

  graph(live?: EstateGraph['live']): EstateGraph {
    const nodes = [...this.#nodes.values()].sort((a, b) => compare(a.id, b.id))
    const edges = [...this.#edges.entries()].sort(([a], [b]) => compare(a, b)).map(([, e]) => e)
    return {environment: this.environment, nodes, edges, ...(live ? {live} : {})}
  }
}

function edgeKey(e: GraphEdge): string {
  return JSON.stringify([e.from, e.to, e.kind, e.group ?? '', e.role ?? ''])
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Builds the graph of one environment's desired state. A job whose source or target names
 * another environment points at that environment's topic node (its lag is not read: the job's
 * position then lives on the target cluster, in checkpoints).
 */
/**
 * The declared connectors whose topics Connect's usual keys name (a sink reads through its
 * `connect-<name>` group) and the declared replicas, with the copy on this environment.
 */
export function estateExtrasOf(desired: Pick<DesiredState, 'connectors' | 'replicas'>): EstateExtras {
  return {
    connectors: (desired.connectors ?? []).flatMap((c) => {
      const {direction, topics} = connectorTopics(c)
      if (direction === 'unknown') return []
      return [{name: c.name, direction, connectorClass: c.className, topics, ...(direction === 'sink' ? {group: `connect-${c.name}`} : {})}]
    }),
    replicas: (desired.replicas ?? []).map((r) => ({name: r.name, source: r.source, topic: r.topic})),
  }
}

export function buildEstateGraph(desired: DesiredState, extras: EstateExtras = estateExtrasOf(desired)): EstateGraph {
  const env = desired.environment.name
  const b = new GraphBuilder(env)
  const meta = new Map(desired.topicMeta.map((m) => [m.name, m]))
  for (const t of desired.cluster.topics) {
    const m = meta.get(t.name)
    b.add({
      kind: 'topic', id: topicId(t.name), name: t.name, labels: m?.labels ?? {}, declared: true,
      ...(m?.policy ? {policy: m.policy} : {}), ...(m?.owner ? {owner: m.owner} : {}),
    })
  }
  for (const s of desired.services) {
    const sid = b.add({kind: 'service', id: serviceId(s.name), name: s.name, principal: s.principal})
    for (const topic of s.produces) b.edge({kind: 'produce', from: sid, to: b.topic(topic), origin: 'manifest'})
    for (const c of s.consumes) {
      const tid = b.topic(c.topic)
      const groups = [...c.groups.map((g) => ({name: g, match: 'literal' as const})), ...(c.groupPrefixes ?? []).map((g) => ({name: g, match: 'prefix' as const}))]
      if (groups.length === 0) b.edge({kind: 'consume', from: tid, to: sid, origin: 'manifest'})
      for (const g of groups) {
        const gid = b.add({kind: 'group', id: groupId(g.name, g.match), name: g.name, match: g.match, origin: 'manifest'})
        b.edge({kind: 'consume', from: tid, to: gid, origin: 'manifest', group: g.name})
        b.edge({kind: 'member', from: gid, to: sid, origin: 'manifest'})
      }
    }
  }
  for (const j of desired.jobs) {
    const group = jobGroup(j.name)
    const jid = b.add({kind: 'job', id: jobId(j.name), name: j.name, jobKind: j.kind, group})
    const local = (e: string | undefined) => (e === undefined || e === env ? undefined : e)
    const sourceEnv = local(j.source.environment)
    const targetEnv = local(j.target.environment)
    b.edge({kind: 'consume', from: b.topic(j.source.topic, sourceEnv), to: jid, origin: 'manifest', ...(sourceEnv === undefined ? {group} : {})})
    b.edge({kind: 'produce', from: jid, to: b.topic(j.target.topic, targetEnv), origin: 'manifest'})
    const deadLetter = j.options.deadLetter
    if (typeof deadLetter === 'string' && deadLetter !== '') b.edge({kind: 'produce', from: jid, to: b.topic(deadLetter, targetEnv), origin: 'manifest', role: 'dead-letter'})
  }
  for (const c of extras.connectors ?? []) {
    const cid = b.add({kind: 'connector', id: connectorId(c.name), name: c.name, direction: c.direction, ...(c.connectorClass ? {connectorClass: c.connectorClass} : {}), ...(c.group ? {group: c.group} : {})})
    for (const topic of c.topics) {
      if (c.direction === 'source') b.edge({kind: 'produce', from: cid, to: b.topic(topic), origin: 'manifest'})
      else b.edge({kind: 'consume', from: b.topic(topic), to: cid, origin: 'manifest', ...(c.group ? {group: c.group} : {})})
    }
  }
  for (const r of extras.replicas ?? []) {
    const source = r.source.environment === env ? b.topic(r.source.topic) : b.topic(r.source.topic, r.source.environment)
    b.edge({kind: 'replicate', from: source, to: b.topic(r.topic), origin: 'manifest'})
  }
  return b.graph()
}

import {GraphBuilder, groupId, topicId, type EdgeLag, type EstateGraph, type GraphEdge, type GraphNode, type GroupNode} from './estate-graph.js'

/** What the cluster says about one consumer group, as plain data (read by read-live-lag.ts). */
export interface LiveGroupLag {
  readonly group: string
  readonly state?: string
  readonly members?: number
  /** Topics the group has committed offsets on. */
  readonly topics: readonly ({readonly topic: string} & EdgeLag)[]
}

export interface LiveLagOverlay {
  readonly observedAt: string
  readonly groups: readonly LiveGroupLag[]
}

/**
 * Puts live lag on the consume edges of a graph. A group reading a topic of the graph that no
 * manifest says it reads gets a `live` edge (and a `live` group node when nobody declares the
 * group), so the picture shows every reader the cluster knows of; a group matching a Service's
 * `groupPrefixes` becomes its own node, a member of that Service. Topics outside the graph and
 * other environments' topics are left out.
 */
export function applyLiveLag(graph: EstateGraph, overlay: LiveLagOverlay): EstateGraph {
  const b = GraphBuilder.from(graph)
  const prefixes = graph.nodes.filter((n): n is GroupNode => n.kind === 'group' && n.match === 'prefix')
  const members = new Map<string, string[]>()
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => (m.get(k)?.push(v) ?? m.set(k, [v]))
  for (const e of graph.edges) if (e.kind === 'member') push(members, e.from, e.to)
  const readers = new Map<string, string>()
  for (const n of graph.nodes) {
    if (n.kind === 'job') readers.set(n.group, n.id)
    if (n.kind === 'connector' && n.group) readers.set(n.group, n.id)
  }
  const consumeEdges = new Map<string, GraphEdge[]>()
  const consumePairs = new Set<string>()
  for (const e of graph.edges) {
    if (e.kind !== 'consume') continue
    consumePairs.add(`${e.from}\u0000${e.to}`)
    if (e.group !== undefined) push(consumeEdges, `${e.from}\u0000${e.group}`, e)
  }

  for (const g of overlay.groups) {
    const live = g.state === undefined && g.members === undefined ? {} : {live: {...(g.state === undefined ? {} : {state: g.state}), ...(g.members === undefined ? {} : {members: g.members})}}
    const literal = groupId(g.group)
    const existing = b.node(literal)
    if (existing?.kind === 'group') b.replace({...existing, ...live})
    const readerId = (): string => {
      if (b.has(literal)) return literal
      const job = readers.get(g.group)
      if (job) return job
      const owners = prefixes.filter((p) => g.group.startsWith(p.name))
      b.add({kind: 'group', id: literal, name: g.group, match: 'literal', origin: owners.length > 0 ? 'manifest' : 'live', ...live} satisfies GraphNode)
      for (const p of owners) for (const service of members.get(p.id) ?? []) b.edge({kind: 'member', from: literal, to: service, origin: 'manifest'})
      return literal
    }
    for (const t of g.topics) {
      const tid = topicId(t.topic)
      if (!b.has(tid)) continue
      const lag: EdgeLag = {records: t.records, partitions: t.partitions, uncommittedPartitions: t.uncommittedPartitions}
      const declared = consumeEdges.get(`${tid}\u0000${g.group}`)
      if (declared) {
        for (const e of declared) b.replaceEdge({...e, lag})
        continue
      }
      const to = readerId()
      // A prefix group reads what its prefix entry declares; anything else is only seen live.
      const byPrefix = prefixes.some((p) => g.group.startsWith(p.name) && consumePairs.has(`${tid}\u0000${p.id}`))
      b.replaceEdge({kind: 'consume', from: tid, to, origin: byPrefix ? 'manifest' : 'live', group: g.group, lag})
    }
  }
  return b.graph({observedAt: overlay.observedAt})
}

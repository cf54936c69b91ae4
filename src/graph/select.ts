import {GraphBuilder, topicId, type EstateGraph} from './estate-graph.js'

/**
 * The part of the graph that touches some topics of this environment (e.g. what a plan changes,
 * for `plan --markdown` to embed): those topics, every edge into or out of them and the nodes at
 * the other end, and the Services behind the groups reached that way. A name the graph lacks (a
 * topic the plan deletes because no manifest declares it) is kept as an undeclared topic, so the
 * selection always shows every topic asked for.
 */
export function selectSubgraph(graph: EstateGraph, topics: Iterable<string>): EstateGraph {
  const full = GraphBuilder.from(graph)
  const out = new GraphBuilder(graph.environment)
  const seeds = new Set<string>()
  for (const name of topics) {
    const id = topicId(name)
    seeds.add(id)
    const node = full.node(id)
    if (node) out.add(node)
    else out.topic(name)
  }
  const groups = new Set<string>()
  for (const e of graph.edges) {
    if (!seeds.has(e.from) && !seeds.has(e.to)) continue
    for (const id of [e.from, e.to]) {
      const node = full.node(id)
      if (!node) continue
      out.add(node)
      if (node.kind === 'group') groups.add(id)
    }
    out.edge(e)
  }
  for (const e of graph.edges) {
    if (e.kind !== 'member' || !groups.has(e.from)) continue
    const service = full.node(e.to)
    if (service) out.add(service)
    out.edge(e)
  }
  return out.graph(graph.live)
}

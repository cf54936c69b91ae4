import type {EstateGraph, GraphEdge, GraphNode} from './estate-graph.js'

/**
 * What both renderers print for a node or an edge, so Mermaid and DOT say the same thing:
 * the real name on the first line, what kind of thing it is on the second.
 */

/**
 * A node id both Mermaid and DOT take bare: letters and digits are kept, `_` is doubled, `.` `-`
 * `:` `@` `/` become `_d` `_h` `_c` `_a` `_s`, any other character `_x<hex code point>_`.
 * Injective (every `_` opens an escape), so distinct nodes never share an id whatever characters
 * their names use, and a node keeps its id from one run to the next.
 */
export function renderId(nodeId: string): string {
  let out = ''
  for (const ch of nodeId) out += /[A-Za-z0-9]/.test(ch) ? ch : (SHORT_ESCAPES[ch] ?? `_x${ch.codePointAt(0)!.toString(16)}_`)
  return out
}

/** Each node's id, computed once per rendering (an edge names two). */
export function renderIds(graph: EstateGraph): Map<string, string> {
  return new Map(graph.nodes.map((n) => [n.id, renderId(n.id)]))
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {'_': '__', '.': '_d', '-': '_h', ':': '_c', '@': '_a', '/': '_s'}

/** The classes of the legend: one per node kind, topics one per policy. */
export const STYLE_CLASSES = ['service', 'stream', 'table', 'versioned', 'topic', 'group', 'job', 'connector'] as const
export type StyleClass = (typeof STYLE_CLASSES)[number]

export function styleClass(node: GraphNode): StyleClass {
  return node.kind === 'topic' ? (node.policy ?? 'topic') : node.kind
}

/** Drawn dashed: a topic without a Topic resource or of another environment, a group only the cluster knows. */
export function isOutline(node: GraphNode): boolean {
  return (node.kind === 'topic' && (!node.declared || node.environment !== undefined)) || (node.kind === 'group' && node.origin === 'live')
}

export function nodeLines(node: GraphNode): [string, ...string[]] {
  switch (node.kind) {
    case 'service':
      return [node.name]
    case 'topic': {
      const detail = [node.environment === undefined ? undefined : `in ${node.environment}`, node.policy ?? (node.declared ? undefined : 'undeclared')].filter((s) => s !== undefined)
      return detail.length ? [node.name, detail.join(' · ')] : [node.name]
    }
    case 'group': {
      const detail = [node.match === 'prefix' ? 'group prefix' : undefined, node.origin === 'live' ? 'undeclared group' : undefined,
        node.live?.state, node.live?.members === undefined ? undefined : `${node.live.members} member${node.live.members === 1 ? '' : 's'}`].filter((s) => s !== undefined)
      return detail.length ? [node.name, detail.join(' · ')] : [node.name]
    }
    case 'job':
      return [node.name, `${node.jobKind} job`]
    case 'connector':
      return [node.name, `${node.direction} connector`]
  }
}

const count = (n: number): string => n.toLocaleString('en-US')

export function edgeLabel(edge: GraphEdge): string | undefined {
  const parts: string[] = []
  if (edge.role === 'dead-letter') parts.push('dead letters')
  if (edge.lag) {
    parts.push(`lag ${count(edge.lag.records)}`)
    if (edge.lag.uncommittedPartitions > 0) parts.push(`${edge.lag.uncommittedPartitions} of ${edge.lag.partitions} partitions uncommitted`)
  }
  if (edge.origin === 'live') parts.push('undeclared')
  return parts.length ? parts.join(' · ') : undefined
}

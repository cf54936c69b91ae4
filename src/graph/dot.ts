import type {EstateGraph, GraphEdge, GraphNode} from './estate-graph.js'
import {edgeLabel, isOutline, nodeLines, renderId, renderIds, styleClass, type StyleClass} from './graph-labels.js'

/**
 * The graph in Graphviz's DOT language (`dot -Tsvg`, or any tool that reads DOT). Ids are
 * renderId's; labels are quoted strings where `\`, `"` and `&` are escaped (Graphviz reads
 * backslash sequences such as `\N` and HTML entities in labels, so a name must not reach them raw).
 */
export function renderDot(graph: EstateGraph): string {
  const lines = [
    `digraph ${dotString(`streamctl graph of ${graph.environment}`)} {`,
    `  // streamctl graph of environment ${graph.environment.replace(/[\r\n]/g, ' ')}${graph.live ? `, live lag read at ${graph.live.observedAt}` : ''}`,
    '  rankdir=LR',
    '  node [fontname="Helvetica", fontsize=11, style=filled]',
    '  edge [fontname="Helvetica", fontsize=10]',
  ]
  const ids = renderIds(graph)
  const id = (nodeId: string) => ids.get(nodeId) ?? renderId(nodeId)
  for (const n of graph.nodes) lines.push(`  ${id(n.id)} [${attributes(nodeAttributes(n))}]`)
  for (const e of graph.edges) lines.push(`  ${id(e.from)} -> ${id(e.to)} [${attributes(edgeAttributes(e))}]`)
  lines.push('}')
  return lines.join('\n') + '\n'
}

const FILL: Record<StyleClass, [fill: string, stroke: string]> = {
  service: ['#fff3e0', '#e65100'],
  stream: ['#e3f2fd', '#1565c0'],
  table: ['#e8f5e9', '#2e7d32'],
  versioned: ['#f3e5f5', '#6a1b9a'],
  topic: ['#eceff1', '#455a64'],
  group: ['#fffde7', '#f9a825'],
  job: ['#fce4ec', '#ad1457'],
  connector: ['#e0f7fa', '#00838f'],
}

const SHAPE: Record<StyleClass, string> = {
  service: 'box', stream: 'box', table: 'cylinder', versioned: 'box3d', topic: 'box', group: 'ellipse', job: 'hexagon', connector: 'trapezium',
}

function nodeAttributes(node: GraphNode): [string, string][] {
  const cls = styleClass(node)
  const [fill, stroke] = FILL[cls]
  const style = ['filled', ...(cls === 'stream' || cls === 'topic' ? ['rounded'] : []), ...(isOutline(node) ? ['dashed'] : [])]
  return [['label', dotString(nodeLines(node).map(dotLabelText).join('\\n'), true)], ['shape', SHAPE[cls]], ['style', dotString(style.join(','))], ['fillcolor', dotString(fill)], ['color', dotString(stroke)]]
}

function edgeAttributes(edge: GraphEdge): [string, string][] {
  const label = edgeLabel(edge)
  const out: [string, string][] = label === undefined ? [] : [['label', dotString(dotLabelText(label), true)]]
  if (edge.kind === 'member') out.push(['style', 'dotted'])
  if (edge.kind === 'replicate') out.push(['penwidth', '2.5'])
  if (edge.origin === 'live') out.push(['style', 'dashed'], ['color', dotString('#c62828')])
  return out
}

const attributes = (list: readonly [string, string][]): string => list.map(([k, v]) => `${k}=${v}`).join(', ')

/** Label text: backslash, quote and ampersand escaped; a line break as Graphviz's `\n`. */
export function dotLabelText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/&/g, '&amp;').replace(/\r\n|\r|\n/g, '\\n')
}

/** A quoted DOT string; `escaped` when the text was already made a label by dotLabelText. */
function dotString(text: string, escaped = false): string {
  return `"${escaped ? text : dotLabelText(text)}"`
}

import type {EstateGraph, GraphEdge, GraphNode} from './estate-graph.js'
import {edgeLabel, isOutline, nodeLines, renderId, renderIds, STYLE_CLASSES, styleClass, type StyleClass} from './graph-labels.js'

/**
 * The graph as a Mermaid flowchart (GitHub and GitLab render it in a pull-request comment).
 * Ids are renderId's letters, digits and underscores; labels keep the real names, every character
 * outside a small safe set written as Mermaid's `#<code point>;` entity, so no name can close a
 * label, start a comment (`%%`), or pass for HTML or markdown.
 */
export function renderMermaid(graph: EstateGraph): string {
  const ids = renderIds(graph)
  const id = (nodeId: string) => ids.get(nodeId) ?? renderId(nodeId)
  const lines = ['flowchart LR', `  %% streamctl graph of environment ${mermaidText(graph.environment)}${graph.live ? `, live lag read at ${graph.live.observedAt}` : ''}`]
  for (const n of graph.nodes) lines.push(`  ${id(n.id)}${shape(n, nodeLines(n).map(mermaidText).join('<br>'))}`)
  const live: number[] = []
  graph.edges.forEach((e, i) => {
    const label = edgeLabel(e)
    lines.push(`  ${id(e.from)} ${arrow(e)}${label === undefined ? '' : `|"${mermaidText(label)}"|`} ${id(e.to)}`)
    if (e.origin === 'live') live.push(i)
  })
  const byClass = new Map<StyleClass | 'outline', string[]>()
  for (const n of graph.nodes) {
    for (const c of [styleClass(n), ...(isOutline(n) ? ['outline' as const] : [])]) {
      const members = byClass.get(c)
      if (members) members.push(id(n.id))
      else byClass.set(c, [id(n.id)])
    }
  }
  for (const c of [...STYLE_CLASSES, 'outline' as const]) {
    const members = byClass.get(c)
    if (members) lines.push(`  classDef ${c} ${CLASS_STYLES[c]}`, `  class ${members.join(',')} ${c}`)
  }
  if (live.length) lines.push(`  linkStyle ${live.join(',')} stroke:#c62828,stroke-dasharray:5 4`)
  return lines.join('\n') + '\n'
}

/** Mermaid 11's default `maxEdges` and `maxTextSize`: a renderer with the defaults refuses a larger diagram. */
export const MERMAID_MAX_EDGES = 500
export const MERMAID_MAX_TEXT = 50_000

const CLASS_STYLES: Record<StyleClass | 'outline', string> = {
  service: 'fill:#fff3e0,stroke:#e65100,color:#000',
  stream: 'fill:#e3f2fd,stroke:#1565c0,color:#000',
  table: 'fill:#e8f5e9,stroke:#2e7d32,color:#000',
  versioned: 'fill:#f3e5f5,stroke:#6a1b9a,color:#000',
  topic: 'fill:#eceff1,stroke:#455a64,color:#000',
  group: 'fill:#fffde7,stroke:#f9a825,color:#000',
  job: 'fill:#fce4ec,stroke:#ad1457,color:#000',
  connector: 'fill:#e0f7fa,stroke:#00838f,color:#000',
  outline: 'stroke-dasharray:5 4',
}

function shape(node: GraphNode, label: string): string {
  const q = `"${label}"`
  switch (node.kind) {
    case 'service':
      return `[${q}]`
    case 'topic':
      return node.policy === 'table' ? `[(${q})]` : node.policy === 'versioned' ? `[[${q}]]` : `([${q}])`
    case 'group':
      return `(${q})`
    case 'job':
      return `{{${q}}}`
    case 'connector':
      return `[/${q}\\]`
  }
}

function arrow(edge: GraphEdge): string {
  switch (edge.kind) {
    case 'member':
      return '-.->'
    case 'replicate':
      return '==>'
    default:
      return '-->'
  }
}

/** Text inside a quoted Mermaid label: `#<decimal code point>;` for everything but letters, digits, space and `.`, `_`, `-`, `,`, `:`. */
export function mermaidText(text: string): string {
  let out = ''
  for (const ch of text) out += /[A-Za-z0-9 ._\-,:]/.test(ch) ? ch : `#${ch.codePointAt(0)};`
  return out
}

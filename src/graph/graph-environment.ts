import type {DesiredState} from '../model/desired.js'
import type {Target} from '../reconcile/target.js'
import {renderDot} from './dot.js'
import {buildEstateGraph, type EstateExtras, type EstateGraph} from './estate-graph.js'
import {renderSvgWithGraphviz} from './graphviz.js'
import {applyLiveLag} from './live-overlay.js'
import {MERMAID_MAX_EDGES, MERMAID_MAX_TEXT, renderMermaid} from './mermaid.js'
import {readLiveLag} from './read-live-lag.js'
import {selectSubgraph} from './select.js'

export const GRAPH_FORMATS = ['mermaid', 'dot', 'svg'] as const
export type GraphFormat = (typeof GRAPH_FORMATS)[number]

export interface GraphRequest {
  readonly format: GraphFormat
  /** Only the part of the graph touching these topics. */
  readonly topics?: readonly string[]
  /** Read live lag from this cluster. */
  readonly live?: Target
  readonly extras?: EstateExtras
}

export interface GraphResult {
  readonly graph: EstateGraph
  readonly text: string
  /** Said on stderr: names that are not topics of the estate, a diagram beyond Mermaid's limits. */
  readonly warnings: readonly string[]
}

/** `streamctl graph`: the estate's graph of one environment, optionally with live lag, rendered. */
export async function graphEnvironment(desired: DesiredState, request: GraphRequest): Promise<GraphResult> {
  let graph = buildEstateGraph(desired, request.extras)
  const warnings: string[] = []
  if (request.live) {
    const admin = await request.live.connectAdmin()
    try {
      const topics = graph.nodes.flatMap((n) => (n.kind === 'topic' && n.environment === undefined ? [n.name] : []))
      graph = applyLiveLag(graph, await readLiveLag(admin, [...topics, ...(request.topics ?? [])]))
    } finally {
      await admin.disconnect()
    }
  }
  if (request.topics?.length) {
    const known = new Set(graph.nodes.flatMap((n) => (n.kind === 'topic' && n.environment === undefined ? [n.name] : [])))
    for (const t of request.topics) if (!known.has(t)) warnings.push(`warning: --topic ${t}: no manifest of environment ${desired.environment.name} names this topic; it is drawn alone, as undeclared`)
    graph = selectSubgraph(graph, request.topics)
  }
  const text = request.format === 'mermaid' ? renderMermaid(graph) : request.format === 'dot' ? renderDot(graph) : await renderSvgWithGraphviz(renderDot(graph))
  if (request.format === 'mermaid' && (graph.edges.length > MERMAID_MAX_EDGES || text.length > MERMAID_MAX_TEXT)) {
    warnings.push(`warning: the diagram has ${graph.edges.length} edges and ${text.length} characters; Mermaid renders at most ${MERMAID_MAX_EDGES} edges and ${MERMAID_MAX_TEXT} characters by default (maxEdges, maxTextSize)\n  hint: draw part of the estate with --topic, or use --format svg`)
  }
  return {graph, text, warnings}
}

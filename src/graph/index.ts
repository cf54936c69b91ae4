// The estate graph: a pure model, its Mermaid and DOT renderings, the subgraph a plan touches.
export * from './estate-graph.js'
export {applyLiveLag, type LiveGroupLag, type LiveLagOverlay} from './live-overlay.js'
export {selectSubgraph} from './select.js'
export {renderMermaid, mermaidText, MERMAID_MAX_EDGES, MERMAID_MAX_TEXT} from './mermaid.js'
export {renderDot, dotLabelText} from './dot.js'
export {renderId} from './graph-labels.js'

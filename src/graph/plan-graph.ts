import type {DesiredState} from '../model/desired.js'
import {actionTopic} from '../plan/actions.js'
import type {Plan} from '../plan/plan.js'
import {buildEstateGraph} from './estate-graph.js'
import {renderMermaid} from './mermaid.js'
import {selectSubgraph} from './select.js'

/** The topics a plan acts on or blocks (pure). */
export function planTopics(plan: Plan): string[] {
  const topics = new Set<string>()
  for (const a of plan.actions) {
    const t = actionTopic(a)
    if (t !== undefined) topics.add(t)
  }
  for (const b of plan.blocked) if (b.topic !== undefined) topics.add(b.topic)
  return [...topics].sort()
}

/** Mermaid text of the part of the estate's graph a plan touches, for `plan --markdown --graph`. */
export function touchedGraphMermaid(desired: DesiredState, plan: Plan): string {
  return renderMermaid(selectSubgraph(buildEstateGraph(desired), planTopics(plan)))
}

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {buildEstateGraph, renderDot, renderId, renderMermaid, selectSubgraph, type EstateGraph, type GraphNode} from '../../../src/graph/index.js'
import {edgeLabel, nodeLines} from '../../../src/graph/graph-labels.js'
import {desiredOf, estateArb, freeNameArb} from './estates.js'

const SEED = Number(process.env.FC_SEED ?? 20261204)
const RUNS = Number(process.env.FC_RUNS ?? 300)

/** Mermaid node lines, read back the way Mermaid reads them: `#<code>;` entities decoded, `<br>` a line break. */
function mermaidNodes(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const m = /^ {2}([A-Za-z0-9_]+)(?:\(\[|\[\(|\[\[|\{\{|\[\/|\(|\[)"([^"]*)"(?:\]\)|\)\]|\]\]|\}\}|\\\]|\)|\])$/.exec(line)
    if (m) out.set(m[1]!, m[2]!.split('<br>').map((s) => s.replace(/#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))))
  }
  return out
}

function mermaidEdges(text: string): {from: string; to: string; label?: string}[] {
  return text.split('\n').flatMap((line) => {
    const m = /^ {2}([A-Za-z0-9_]+) (?:-->|-\.->|==>)(?:\|"([^"]*)"\|)? ([A-Za-z0-9_]+)$/.exec(line)
    return m ? [{from: m[1]!, to: m[3]!, ...(m[2] === undefined ? {} : {label: m[2].replace(/#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))})}] : []
  })
}

/** DOT node labels read back as Graphviz reads a quoted label: `\\`, `\"`, `\n` and `&amp;`. */
function dotNodes(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const m = /^ {2}([A-Za-z0-9_]+) \[label="((?:[^"\\]|\\.)*)", shape=/.exec(line)
    if (!m) continue
    const lines = m[2]!.split(/(?<!\\)(?:\\\\)*\\n/).length ? splitDotLines(m[2]!) : []
    out.set(m[1]!, lines)
  }
  return out
}

function splitDotLines(label: string): string[] {
  const lines: string[] = ['']
  for (let i = 0; i < label.length; i++) {
    const c = label[i]!
    if (c === '\\') {
      const next = label[++i]!
      if (next === 'n') lines.push('')
      else lines[lines.length - 1] += next
    } else {
      lines[lines.length - 1] += c
    }
  }
  return lines.map((l) => l.replace(/&amp;/g, '&'))
}

/** The inverse of renderId, restated from its comment: an id that decodes back proves no two names share it. */
function decodeId(id: string): string {
  const short: Record<string, string> = {_: '_', d: '.', h: '-', c: ':', a: '@', s: '/'}
  let out = ''
  for (let i = 0; i < id.length; i++) {
    if (id[i] !== '_') {
      out += id[i]
      continue
    }
    const k = id[++i]!
    if (k === 'x') {
      const end = id.indexOf('_', i)
      out += String.fromCodePoint(parseInt(id.slice(i + 1, end), 16))
      i = end
    } else {
      out += short[k] ?? `<bad escape _${k}>`
    }
  }
  return out
}

function checkRenderings(g: EstateGraph): void {
  const ids = g.nodes.map((n) => renderId(n.id))
  expect(new Set(ids).size).toBe(ids.length)
  for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/)
  const byId = new Map<string, GraphNode>(g.nodes.map((n) => [renderId(n.id), n]))

  const mermaid = renderMermaid(g)
  const mNodes = mermaidNodes(mermaid)
  expect(mNodes.size).toBe(g.nodes.length)
  for (const [id, lines] of mNodes) expect(lines).toEqual(nodeLines(byId.get(id)!))
  const mEdges = mermaidEdges(mermaid)
  expect(mEdges).toHaveLength(g.edges.length)
  g.edges.forEach((e, i) => expect(mEdges[i]).toEqual({from: renderId(e.from), to: renderId(e.to), ...(edgeLabel(e) === undefined ? {} : {label: edgeLabel(e)})}))
  // Nothing but the header is a Mermaid comment.
  expect(mermaid.split('\n').filter((l) => l.includes('%%'))).toHaveLength(1)

  const dot = renderDot(g)
  const dNodes = dotNodes(dot)
  expect(dNodes.size).toBe(g.nodes.length)
  for (const [id, lines] of dNodes) expect(lines).toEqual(nodeLines(byId.get(id)!))
  expect(dot.split('\n').filter((l) => / -> /.test(l))).toHaveLength(g.edges.length)
}

describe('Mermaid and DOT renderings (generated estates)', () => {
  it(`ids are unique and bare, labels read back as the real names, every edge is drawn (seed ${SEED}, ${RUNS} runs)`, () => {
    console.log(`graph renderers generative seed ${SEED}, runs ${RUNS} (FC_SEED / FC_RUNS to change)`)
    fc.assert(fc.property(estateArb, (spec) => {
      const g = buildEstateGraph(desiredOf(spec))
      const ids = new Set(g.nodes.map((n) => n.id))
      for (const e of g.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true)
      checkRenderings(g)
      // A selection is a part of the graph that still renders, with every topic asked for.
      const pick = (spec.topics ?? []).slice(0, 2).map((t) => t.name)
      const s = selectSubgraph(g, pick)
      for (const t of pick) expect(s.nodes.some((n) => n.id === `topic:${t}`)).toBe(true)
      for (const e of s.edges) expect(g.edges).toContainEqual(e)
      for (const e of g.edges) if (pick.some((t) => e.from === `topic:${t}` || e.to === `topic:${t}`)) expect(s.edges).toContainEqual(e)
      checkRenderings(s)
    }), {seed: SEED, numRuns: RUNS})
  })

  it('renderId is injective on any strings', () => {
    // The letters of the escapes themselves, so that a lost escape shows up as a collision.
    const tricky = fc.string({maxLength: 6, unit: fc.constantFrom('_', '.', '-', ':', '@', '/', 'd', 'h', 'c', 'a', 's', 'x', '2', 'e', '5', 'f', 'é')})
    fc.assert(fc.property(fc.oneof(freeNameArb, tricky), (a) => {
      expect(decodeId(renderId(a))).toBe(a)
    }), {seed: SEED, numRuns: 5000})
    // Kafka treats `.` and `_` alike for collisions; the ids must not.
    expect(renderId('topic:a.b')).not.toBe(renderId('topic:a_b'))
  })

  it('an empty estate renders as an empty diagram', () => {
    const g = buildEstateGraph(desiredOf({environment: 'empty'}))
    expect(renderMermaid(g)).toBe('flowchart LR\n  %% streamctl graph of environment empty\n')
    expect(renderDot(g)).toMatch(/^digraph "streamctl graph of empty" \{\n[^]*\n\}\n$/)
  })

  it('draws live lag, undeclared readers and policies', () => {
    const g = buildEstateGraph(desiredOf({topics: [{name: 'orders', policy: 'table'}], services: [{name: 's', consumes: [{topic: 'orders', groups: ['g']}]}]}))
    const live = {...g, edges: g.edges.map((e) => (e.kind === 'consume' ? {...e, lag: {records: 12345, partitions: 3, uncommittedPartitions: 1}} : e))}
    const m = renderMermaid(live)
    expect(m).toContain('topic_corders[("orders<br>table")]')
    expect(m).toContain('topic_corders -->|"lag 12,345 #183; 1 of 3 partitions uncommitted"| group_cg')
    expect(renderDot(live)).toContain('topic_corders -> group_cg [label="lag 12,345 · 1 of 3 partitions uncommitted"]')
  })
})

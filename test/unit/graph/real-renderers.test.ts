import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'
import {applyLiveLag, buildEstateGraph, renderDot, renderMermaid, type EstateGraph} from '../../../src/graph/index.js'
import {renderSvgWithGraphviz} from '../../../src/graph/graphviz.js'
import {resolveChromium, which} from '../../provision/clients.js'
import {desiredOf, estateArb, examplesDesired} from './estates.js'

/**
 * The graph's text judged by the real renderers: Mermaid through @mermaid-js/mermaid-cli driving
 * Debian's Chromium (npm run test:clients installs it; skipped with how to get it when absent),
 * DOT through Graphviz's dot. GRAPH_RENDER_KEEP=DIR keeps the SVGs and PNGs to look at.
 */
const SEED = Number(process.env.FC_SEED ?? 20261204)
const chromium = await resolveChromium({allowInstall: false})
const chromiumMissing = 'missing' in chromium ? chromium.missing : undefined
const dotMissing = which('dot') ? undefined : 'Graphviz `dot` is not on PATH; install it (Debian: apt-get install graphviz)'
if (chromiumMissing) console.warn(`skipping the Mermaid rendering check: ${chromiumMissing}`)
if (dotMissing) console.warn(`skipping the DOT rendering check: ${dotMissing}`)

const work = mkdtempSync(join(tmpdir(), 'streamctl-graph-'))
const keep = process.env.GRAPH_RENDER_KEEP
afterAll(() => rmSync(work, {recursive: true, force: true}))
// The package's entry is src/index.js; its `mmdc` bin is src/cli.js beside it.
const MMDC = join(dirname(fileURLToPath(import.meta.resolve('@mermaid-js/mermaid-cli'))), 'cli.js')

function run(cmd: string, args: string[]): Promise<{code: number; stderr: string}> {
  return new Promise((resolve) => {
    execFile(cmd, args, {timeout: 120_000}, (err, _stdout, stderr) => resolve({code: err ? Number((err as {code?: number}).code ?? 1) : 0, stderr}))
  })
}

/** Renders Mermaid text with mmdc; the puppeteer config points at the system Chromium (CI runs as root: --no-sandbox). */
async function mermaidToSvg(name: string, text: string, png = false): Promise<string> {
  const dir = keep ?? work
  const input = join(dir, `${name}.mmd`)
  const config = join(work, 'puppeteer.json')
  writeFileSync(config, JSON.stringify({executablePath: (chromium as {chromium: string}).chromium, args: ['--no-sandbox']}))
  writeFileSync(input, text)
  for (const out of [join(dir, `${name}.svg`), ...(png && keep ? [join(dir, `${name}.png`)] : [])]) {
    const r = await run(process.execPath, [MMDC, '-q', '-i', input, '-o', out, '-p', config, '-w', '1600'])
    expect(r.code, r.stderr).toBe(0)
  }
  return readFileSync(join(dir, `${name}.svg`), 'utf8')
}

/** The text an SVG shows (tags dropped, entities decoded, whitespace collapsed), one string per text element. */
function svgTexts(svg: string): string[] {
  const body = svg.replace(/<style[^>]*>[^]*?<\/style>/g, '')
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d))).replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16))).replace(/&amp;/g, '&')
  return [...body.matchAll(/>([^<]+)</g)].map((m) => decode(m[1]!).replace(/\s+/g, ' ').trim()).filter(Boolean)
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim()

function expectNamesShown(svg: string, graph: EstateGraph): void {
  const texts = svgTexts(svg)
  for (const n of graph.nodes) expect(texts, `${n.kind} ${JSON.stringify(n.name)}`).toContain(collapse(n.name))
}

const examples = async () => {
  const g = buildEstateGraph(await examplesDesired('local'))
  // Lag on every declared group edge, and a reader nobody declared, as `graph --live` draws them.
  return applyLiveLag(g, {observedAt: '2026-12-04T12:00:00.000Z', groups: [
    {group: 'billing-orders', state: 'Stable', members: 1, topics: [{topic: 'shop.orders.v1', records: 1234, partitions: 1, uncommittedPartitions: 0}]},
    {group: 'adhoc-reader', topics: [{topic: 'shop.payments.v1', records: 5, partitions: 1, uncommittedPartitions: 0}]},
  ]})
}

const nasty = (): EstateGraph => buildEstateGraph(desiredOf({
  environment: 'env "q" <b> %% \\',
  topics: [
    {name: 'shop.orders.v1', policy: 'stream'}, {name: `${'x'.repeat(248)}z`, policy: 'table'}, {name: 'a_b.c-d.0123456789.ABCXYZ', policy: 'versioned'},
    {name: '_', policy: 'stream'}, {name: '...'}, {name: 'end'}, {name: 'o'},
  ],
  services: [
    {name: 'svc "quoted" #35; <b>bold</b> &amp; %% `tick` |pipe| [x] (y) {z} ; \\N é 😀', produces: ['shop.orders.v1', 'end'], consumes: [{topic: 'shop.orders.v1', groups: ['grp "1"', 'A---oB', '-->']}]},
    {name: 'graph', consumes: [{topic: `${'x'.repeat(248)}z`, groups: []}, {topic: 'o', groups: ['end'], groupPrefixes: ['replay-']}]},
  ],
  jobs: [{name: 'job #1', source: {topic: 'a_b.c-d.0123456789.ABCXYZ'}, target: {topic: 'undeclared.target'}, deadLetter: '_'}],
}))

describe.skipIf(chromiumMissing !== undefined)('Mermaid text rendered by mermaid-cli and Chromium', {timeout: 120_000}, () => {
  it('the examples: every service, topic, group and job name appears in the SVG, with the lag', async () => {
    const g = await examples()
    const svg = await mermaidToSvg('examples', renderMermaid(g), true)
    expectNamesShown(svg, g)
    expect(svgTexts(svg)).toContain('lag 1,234')
    expect(svgTexts(svg)).toContain('lag 5 · undeclared')
  })

  it('names at Kafka\'s limits and free-form names with Mermaid\'s special characters', async () => {
    const g = nasty()
    const svg = await mermaidToSvg('nasty', renderMermaid(g), true)
    expectNamesShown(svg, g)
  })

  it('an empty estate still renders', async () => {
    await mermaidToSvg('empty', renderMermaid(buildEstateGraph(desiredOf({environment: 'empty'}))))
  })
})

describe.skipIf(dotMissing !== undefined)('DOT text rendered by Graphviz', {timeout: 60_000}, () => {
  it('the examples and the nasty names: every name is a text of the SVG', async () => {
    for (const g of [await examples(), nasty()]) expectNamesShown(await renderSvgWithGraphviz(renderDot(g)), g)
  })

  it(`generated estates render and show every name (seed ${SEED})`, async () => {
    console.log(`graph DOT rendering seed ${SEED} (FC_SEED to change)`)
    for (const spec of fc.sample(estateArb, {seed: SEED, numRuns: 25})) {
      const g = buildEstateGraph(desiredOf(spec))
      expectNamesShown(await renderSvgWithGraphviz(renderDot(g)), g)
    }
  })

  it('without dot on PATH: a clear error saying how to get Graphviz', async () => {
    await expect(renderSvgWithGraphviz('digraph {}', {env: {PATH: work}})).rejects.toMatchObject({
      code: 'PREREQUISITE_MISSING', message: expect.stringContaining('needs Graphviz'), hint: expect.stringContaining('apt-get install graphviz'),
    })
  })
})

import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path, {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

const root = path.resolve(import.meta.dirname, '../../..')
const work = mkdtempSync(join(tmpdir(), 'streamctl-graph-cli-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/dev.js', 'graph', '-f', 'manifests/examples', ...args], {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1', ...env}, timeout: 60_000})

describe('streamctl graph (offline)', {timeout: 120_000}, () => {
  it('prints Mermaid by default, the graph as JSON with --json, DOT to a file with -o', () => {
    const m = cli(['-e', 'prod'])
    expect(m.status, m.stderr).toBe(0)
    expect(m.stdout).toMatch(/^flowchart LR\n {2}%% streamctl graph of environment prod\n/)
    expect(m.stdout).toContain('topic_cshop_dorders_dv1(["shop.orders.v1<br>stream"])')
    // prod's secrets are unset: offline, they only warn, and never show.
    const j = cli(['-e', 'prod', '--json'])
    expect(j.status, j.stderr).toBe(0)
    const graph = JSON.parse(j.stdout)
    expect(graph.environment).toBe('prod')
    expect(graph.nodes.filter((n: {kind: string}) => n.kind === 'service')).toHaveLength(8)
    const out = join(work, 'estate.dot')
    const d = cli(['-e', 'local', '--format', 'dot', '-o', out])
    expect(d.status, d.stderr).toBe(0)
    expect(d.stdout).toBe('')
    expect(readFileSync(out, 'utf8')).toMatch(/^digraph "streamctl graph of local" \{/)
  })

  it('--topic draws the part touching a topic and warns about a name no manifest has', () => {
    const r = cli(['-e', 'local', '--topic', 'shop.returns.v1', '--topic', 'shop.nope.v1'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('group_cstock_hreturns')
    expect(r.stdout).not.toContain('shop.orders.v1')
    expect(r.stdout).toContain('shop.nope.v1<br>undeclared')
    expect(r.stderr).toContain('warning: --topic shop.nope.v1: no manifest of environment local names this topic')
  })

  it('--format svg renders through Graphviz; without dot on PATH it fails saying how to get it', () => {
    const s = cli(['-e', 'local', '--format', 'svg'])
    expect(s.status, s.stderr).toBe(0)
    expect(s.stdout).toMatch(/^<\?xml[^]*<svg[^]*shop\.orders\.v1[^]*<\/svg>/)
    // A PATH with node only.
    const bin = mkdtempSync(join(work, 'bin-'))
    symlinkSync(process.execPath, join(bin, 'node'))
    const missing = cli(['-e', 'local', '--format', 'svg'], {PATH: bin})
    expect(missing.status).toBe(1)
    expect(missing.stdout).toBe('')
    expect(missing.stderr).toContain('error: --format svg needs Graphviz, and its `dot` program is not on PATH')
    expect(missing.stderr).toContain('hint: install Graphviz (Debian/Ubuntu: `apt-get install graphviz`')
  })

  it('an unknown format is a usage error', () => {
    const r = cli(['-e', 'local', '--format', 'png'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/Expected --format=png to be one of: mermaid, dot, svg/)
  })
})

import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {loadManifests, resolveEnvironment, UnresolvedSecret} from '../../../src/manifest/index.js'
import {renderDesired} from '../../../src/manifest/render-desired.js'

/** Resolution golden: the rendered desired state per environment (UPDATE_GOLDENS=1 rewrites, then review). */
const dir = path.resolve(import.meta.dirname, '../../fixtures/manifests/good/overlay')

describe('resolveEnvironment (golden)', () => {
  for (const env of ['dev', 'prod']) {
    it(`renders ${env}`, async () => {
      const set = await loadManifests(['.'], {cwd: dir, env: {OVERLAY_PW: 'overlay-secret'}})
      const out = renderDesired(resolveEnvironment(set, env), 'yaml') + '\n'
      const golden = path.join(dir, `expected-${env}.txt`)
      if (process.env.UPDATE_GOLDENS || !existsSync(golden)) writeFileSync(golden, out)
      expect(out).toBe(readFileSync(golden, 'utf8'))
      expect(out).not.toContain('overlay-secret')
    })
  }
  it('offline: a missing secret becomes an UnresolvedSecret that only fails when revealed', async () => {
    const set = await loadManifests(['.'], {cwd: dir, env: {}})
    expect(() => resolveEnvironment(set, 'prod')).toThrow()
    const prod = resolveEnvironment(set, 'prod', {offline: true})
    const pw = prod.environment.kafka!.sasl!.password
    expect(pw).toBeInstanceOf(UnresolvedSecret)
    expect(() => pw.reveal()).toThrow(/OVERLAY_PW/)
    // Selecting dev does not need prod's variables at all.
    expect(resolveEnvironment(set, 'dev').cluster.topics.map((t) => t.name)).toEqual(['acme.accounts.v1', 'acme.events.v1'])
  })
})

describe('inline secrets', () => {
  it('load with a warning that never shows the value', async () => {
    const {mkdtempSync, writeFileSync: write} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const tmp = mkdtempSync(path.join(tmpdir(), 'manifest-inline-'))
    write(path.join(tmp, 'env.yaml'), 'apiVersion: streamctl/v1\nkind: Environment\nmetadata: {name: p}\nspec:\n  kafka:\n    bootstrap: [k:1]\n    sasl: {mechanism: plain, username: u, password: pa55-inline}\n')
    const set = await loadManifests(['.'], {cwd: tmp, env: {}})
    expect(set.warnings.map((w) => [w.rule, w.location?.line])).toEqual([['inline-secret', 7]])
    expect(JSON.stringify(set.warnings)).not.toContain('pa55')
    const desired = resolveEnvironment(set, 'p')
    expect(desired.environment.kafka!.sasl!.password.reveal()).toBe('pa55-inline')
    expect(renderDesired(desired, 'json')).not.toContain('pa55')
  })
})

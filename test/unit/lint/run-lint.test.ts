import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {runLint} from '../../../src/lint/run-lint.js'
import {loadManifests, resolveEnvironment} from '../../../src/manifest/index.js'
import type {DesiredState} from '../../../src/model/desired.js'

const root = path.resolve(import.meta.dirname, '../../..')

async function local(): Promise<DesiredState> {
  return resolveEnvironment(await loadManifests(['manifests/examples'], {cwd: root, env: {}}), 'local', {offline: true})
}

describe('runLint', () => {
  it('is clean on the examples and reacts to Policy severities', async () => {
    const d = await local()
    expect(runLint(d)).toEqual([])
    const noSchema = {...d, topicMeta: d.topicMeta.map((t) => (t.name === 'shop.customers.v1' ? {...t, valueSchema: undefined} : t))}
    expect(runLint(noSchema).map((f) => [f.rule, f.severity])).toEqual([['value-schema-required', 'error']])
    const relaxed = {...noSchema, policies: [{name: 'p', rules: {'value-schema-required': {severity: 'warning' as const}}}]}
    expect(runLint(relaxed).map((f) => f.severity)).toEqual(['warning'])
    const off = {...noSchema, policies: [{name: 'p', rules: {'value-schema-required': {severity: 'off' as const}}}]}
    expect(runLint(off)).toEqual([])
  })
  it('applies partition bounds from options', async () => {
    const d = await local()
    const p = {...d, policies: [{name: 'p', rules: {'partition-bounds': {severity: 'error' as const, options: {min: 2}}}}]}
    expect(runLint(p).filter((f) => f.rule === 'partition-bounds')).toHaveLength(d.cluster.topics.length)
    expect(d.cluster.topics.length).toBe(10)
  })
  it('checks durability and TLS only in production-like environments', async () => {
    const d = await local()
    expect(runLint({...d, environment: {...d.environment, kafka: {bootstrap: ['k:1'], tls: {insecureSkipVerify: true}}}})).toEqual([])
    const prodLike = {...d, environment: {...d.environment, productionLike: true, kafka: {bootstrap: ['k:1'], tls: {insecureSkipVerify: true}}}}
    const rules = runLint(prodLike).map((f) => f.rule)
    expect(rules.filter((r) => r === 'min-isr-below-rf')).toHaveLength(d.cluster.topics.length) // RF 1 everywhere
    expect(rules).toContain('tls-verify')
  })
})

import {describe, expect, it} from 'vitest'
import {executePlan} from '../../../src/apply/executor.js'
import type {AdminGateway} from '../../../src/cluster/gateway.js'
import type {Action} from '../../../src/plan/index.js'
import type {RegistryClient} from '../../../src/registry/client/registry-client.js'

const register = (subject: string): Action => ({
  kind: 'schema.register', id: `schema.register:${subject}`, dependsOn: [], risk: 'safe', reason: '',
  subject, schemaType: 'AVRO', schema: '"string"', references: [], before: null,
})
const level = (subject: string): Action => ({
  kind: 'schema.compatibility.set', id: `schema.compatibility.set:${subject}`, dependsOn: [], risk: 'safe', reason: '',
  subject, before: null, after: 'FULL',
})
const create: Action = {kind: 'topic.create', id: 'topic.create:t', dependsOn: [], risk: 'safe', reason: '', topic: 't', partitions: 1, replicationFactor: 1, config: {}}

/** Fakes for executor unit tests (the registry itself is exercised end to end in test/integration/schemas). */
function fakes(failOn?: string) {
  const calls: string[] = []
  const registry = {
    setSubjectCompatibility: async (s: string, l: string) => { calls.push(`level ${s} ${l}`) },
    register: async (s: string) => {
      if (s === failOn) throw new Error(`registry refused ${s}`)
      calls.push(`register ${s}`)
      return 1
    },
  } as unknown as RegistryClient
  const gateway = {createTopics: async () => { calls.push('createTopics') }} as unknown as AdminGateway
  return {calls, registry, gateway}
}

describe('executor: schema actions', () => {
  it('sets levels, registers, then creates topics, in plan order', async () => {
    const f = fakes()
    const r = await executePlan([level('a'), register('a'), register('b'), create], f.gateway, {registry: f.registry})
    expect(r.ok).toBe(true)
    expect(f.calls).toEqual(['level a FULL', 'register a', 'register b', 'createTopics'])
  })

  it('reports exactly which subject failed: earlier ones done, the rest skipped, no topic created', async () => {
    const f = fakes('b')
    const r = await executePlan([register('a'), register('b'), register('c'), create], f.gateway, {registry: f.registry})
    expect(r.ok).toBe(false)
    expect(r.results.map((x) => [x.id, x.outcome])).toEqual([
      ['schema.register:a', 'done'], ['schema.register:b', 'failed'], ['schema.register:c', 'skipped'], ['topic.create:t', 'skipped'],
    ])
    expect(f.calls).toEqual(['register a'])
  })

  it('fails clearly when a plan registers schemas but no registry is connected', async () => {
    const f = fakes()
    const r = await executePlan([register('a')], f.gateway, {})
    expect(r.results[0]).toMatchObject({outcome: 'failed', error: expect.stringMatching(/no schema registry is connected/)})
  })

  it('skips schema actions under --dry-run (the registry has no validate-only mode; plan already checked them)', async () => {
    const f = fakes()
    const r = await executePlan([register('a')], f.gateway, {registry: f.registry, validateOnly: true})
    expect(r.results[0]!.outcome).toBe('skipped')
    expect(f.calls).toEqual([])
  })
})

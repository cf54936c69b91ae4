import {describe, expect, it} from 'vitest'
import type {DesiredState, SchemaSpec} from '../../../src/model/desired.js'
import {LATEST_REFERENCE_VERSION} from '../../../src/model/state.js'
import {RegistryResponseError} from '../../../src/registry/client/http.js'
import {undeclaredReferences, undeclaredReferenceWarnings, unregisteredReferenceErrors} from '../../../src/schemas/undeclared-references.js'

const text = '{"type":"record","name":"R","fields":[]}'
function estate(refs: SchemaSpec['references']): DesiredState {
  const schemas: SchemaSpec[] = [
    {name: 'shop-address', subject: 'shop.address', type: 'AVRO', schema: text, references: []},
    {name: 'customer', subject: 'customer-value', type: 'AVRO', schema: text, references: refs, location: {file: 'm.yaml', line: 3, column: 5}},
  ]
  return {schemas, topicMeta: []} as unknown as DesiredState
}

/** A registry holding `held` (subject → versions), answering as Confluent's API does. */
function registry(held: Record<string, number[]>) {
  const missing = (code: number) => new RegistryResponseError(404, code, 'not found')
  return {
    latest: async (s: string) => (held[s]?.length ? {subject: s, version: Math.max(...held[s]!), id: 1, schemaType: 'AVRO' as const, schema: text, references: []} : undefined),
    version: async (s: string, v: number) => {
      if (!held[s]) throw missing(40401)
      if (!held[s]!.includes(v)) throw missing(40402)
      return {subject: s, version: v, id: 1, schemaType: 'AVRO' as const, schema: text, references: []}
    },
  }
}

describe('references to subjects no Schema declares', () => {
  it('lists each undeclared subject once per referring Schema, declared ones not at all, with a did-you-mean for a near miss', () => {
    const refs = undeclaredReferences(estate([
      {name: 'A', subject: 'shop.address', version: 1},
      {name: 'B', subject: 'shop.adress', version: 1},
      {name: 'B2', subject: 'shop.adress', version: 2},
      {name: 'C', subject: 'billing.currency', version: LATEST_REFERENCE_VERSION},
    ]))
    expect(refs.map((r) => [r.subject, r.version, r.suggestion])).toEqual([
      ['shop.adress', 1, 'did you mean "shop.address"?'],
      ['billing.currency', LATEST_REFERENCE_VERSION, undefined],
    ])
  })

  it('offline they are warnings at the referring Schema', () => {
    const [w] = undeclaredReferenceWarnings(estate([{name: 'C', subject: 'billing.currency', version: LATEST_REFERENCE_VERSION}]))
    expect(w).toMatchObject({severity: 'warning', rule: 'schema-reference', resource: 'Schema/customer', location: {file: 'm.yaml', line: 3, column: 5}})
    expect(w!.message).toContain('billing.currency (its latest version), which no Schema in the manifests declares')
  })

  it('at the registry only the missing subject or version is an error', async () => {
    const desired = estate([
      {name: 'C', subject: 'billing.currency', version: 2},
      {name: 'D', subject: 'billing.tax', version: LATEST_REFERENCE_VERSION},
      {name: 'E', subject: 'billing.gone', version: 1},
      {name: 'F', subject: 'billing.empty', version: LATEST_REFERENCE_VERSION},
    ])
    const errors = await unregisteredReferenceErrors(registry({'billing.currency': [1], 'billing.tax': [4]}), 'prod', desired)
    expect(errors.map((e) => e.message)).toEqual([
      'references billing.currency (version 2), which the registry of environment prod does not hold and no Schema in the manifests declares',
      'references billing.gone (version 1), which the registry of environment prod does not hold and no Schema in the manifests declares',
      'references billing.empty (its latest version), which the registry of environment prod does not hold and no Schema in the manifests declares',
    ])
    expect(errors.every((e) => e.severity === 'error' && e.location?.line === 3)).toBe(true)
    expect(await unregisteredReferenceErrors(registry({'billing.currency': [1, 2], 'billing.tax': [1], 'billing.gone': [1], 'billing.empty': [3]}), 'prod', desired)).toEqual([])
  })

  it('a registry failure other than "not found" is not taken for a missing subject', async () => {
    const broken = {...registry({}), version: async () => { throw new RegistryResponseError(500, 50001, 'boom') }}
    await expect(unregisteredReferenceErrors(broken, 'prod', estate([{name: 'C', subject: 'x', version: 1}]))).rejects.toThrow('boom')
  })
})

import {describe, expect, it} from 'vitest'
import type {DesiredState, SchemaSpec} from '../../../src/model/desired.js'
import {LATEST_REFERENCE_VERSION} from '../../../src/model/state.js'
import {latestReferencedSubjects, pinLatestReferences, type LatestVersion} from '../../../src/schemas/pin-references.js'

const address = '{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}'
const moved = '{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":"string","default":""}]}'

function estate(addressText: string | undefined, refSubject = 'address'): DesiredState {
  const schemas: SchemaSpec[] = [
    ...(addressText === undefined ? [] : [{name: 'address', subject: 'address', type: 'AVRO' as const, schema: addressText, references: []}]),
    {name: 'customer', subject: 'customer-value', type: 'AVRO', schema: '{"type":"record","name":"C","fields":[{"name":"a","type":"Address"}]}',
      references: [{name: 'Address', subject: refSubject, version: LATEST_REFERENCE_VERSION}], location: {file: 'm.yaml', line: 3, column: 5}},
  ]
  return {
    schemas, topicMeta: [],
    cluster: {topics: [], acls: [], subjects: schemas.map((s) => ({subject: s.subject, schemaType: s.type, schema: s.schema, references: s.references}))},
  } as unknown as DesiredState
}
const registered = (entries: Record<string, LatestVersion>) => new Map(Object.entries(entries))
const pinnedVersion = (d: DesiredState) => ({
  spec: d.schemas.find((s) => s.name === 'customer')!.references[0]!.version,
  state: d.cluster.subjects.find((s) => s.subject === 'customer-value')!.references[0]!.version,
})

describe('pinLatestReferences', () => {
  it('names the subjects referenced as latest', () => {
    expect(latestReferencedSubjects(estate(address))).toEqual(['address'])
  })

  it('a declared subject: 1 when new, its latest when unchanged, the next version when this apply registers its text', () => {
    expect(pinnedVersion(pinLatestReferences(estate(address), registered({})).desired)).toEqual({spec: 1, state: 1})
    expect(pinnedVersion(pinLatestReferences(estate(address), registered({address: {version: 3, schemaType: 'AVRO', schema: address}})).desired)).toEqual({spec: 3, state: 3})
    // Whitespace is not a change: Avro texts compare canonically.
    expect(pinnedVersion(pinLatestReferences(estate(address), registered({address: {version: 3, schemaType: 'AVRO', schema: JSON.stringify(JSON.parse(address), null, 2)}})).desired)).toEqual({spec: 3, state: 3})
    expect(pinnedVersion(pinLatestReferences(estate(moved), registered({address: {version: 3, schemaType: 'AVRO', schema: address}})).desired)).toEqual({spec: 4, state: 4})
  })

  it('an undeclared subject: its latest registered version, or a problem at the referring Schema when there is none', () => {
    expect(pinnedVersion(pinLatestReferences(estate(undefined), registered({address: {version: 7, schemaType: 'AVRO', schema: address}})).desired)).toEqual({spec: 7, state: 7})
    const {problems} = pinLatestReferences(estate(undefined, 'nowhere'), registered({}))
    expect(problems).toEqual([expect.objectContaining({
      resource: 'Schema/customer', location: {file: 'm.yaml', line: 3, column: 5},
      message: 'references the latest version of nowhere, which the registry does not hold and no Schema in the manifests declares',
    })])
  })

  it('leaves numbered references and estates without latest as they are', () => {
    const d = estate(address)
    const numbered = {...d, schemas: d.schemas.map((s) => ({...s, references: s.references.map((r) => ({...r, version: 2}))}))}
    expect(pinLatestReferences(numbered, registered({})).desired).toBe(numbered)
  })
})

import {describe, expect, it} from 'vitest'
import {TOPIC_CONFIGS} from '../../../src/manifest/index.js'
import type {DesiredState, SchemaSpec} from '../../../src/model/desired.js'
import {LATEST_REFERENCE_VERSION, type ClusterState} from '../../../src/model/state.js'
import {topicDefaultsFrom} from '../../../src/plan/options.js'
import {diffSides} from '../../../src/reconcile/diff-states.js'

const DEFAULTS = topicDefaultsFrom(TOPIC_CONFIGS)
const address = '{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}'
const customer = '{"type":"record","name":"C","fields":[{"name":"a","type":"Address"}]}'

/** `diff live manifest`: a manifest's `version: latest` reads as the live registry's latest, as a plan against it would. */
describe('diff with version: latest references', () => {
  const live = (addressVersion: number): ClusterState => ({
    topics: [], acls: [],
    subjects: [
      {subject: 'address', schemaType: 'AVRO', schema: address, references: [], version: addressVersion, id: 1},
      {subject: 'customer-value', schemaType: 'AVRO', schema: customer, references: [{name: 'Address', subject: 'address', version: 3}], version: 1, id: 2},
    ],
  })
  const schemas: SchemaSpec[] = [{name: 'customer', subject: 'customer-value', type: 'AVRO', schema: customer, references: [{name: 'Address', subject: 'address', version: LATEST_REFERENCE_VERSION}]}]
  const manifest = {
    environment: {name: 'prod', productionLike: false, defaults: {config: {}}, protect: [], variables: {}},
    cluster: {topics: [], acls: [], subjects: schemas.map((s) => ({subject: s.subject, schemaType: s.type, schema: s.schema, references: s.references}))},
    topicMeta: [], services: [], schemas, jobs: [], policies: [], users: [],
  } as unknown as DesiredState
  const registrations = (from: ClusterState) => [
    diffSides({kind: 'live', label: 'live', observed: from}, {kind: 'manifest', label: 'prod', desired: manifest}, DEFAULTS),
    diffSides({kind: 'manifest', label: 'prod', desired: manifest}, {kind: 'live', label: 'live', observed: from}, DEFAULTS),
  ].map((plan) => plan.actions.filter((a) => a.kind === 'schema.register' && a.subject === 'customer-value').map((a) => (a as {references: unknown}).references))

  it('no difference while the live reference is the latest version, both ways', () => {
    expect(registrations(live(3))).toEqual([[], []])
  })

  it('a difference once the referenced subject has moved on', () => {
    expect(registrations(live(4))[0]).toEqual([[{name: 'Address', subject: 'address', version: 4}]])
  })
})

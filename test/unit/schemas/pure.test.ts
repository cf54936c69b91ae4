import {describe, expect, it} from 'vitest'
import type {SchemaSpec, TopicMeta} from '../../../src/model/desired.js'
import type {SubjectState} from '../../../src/model/state.js'
import {planSubjects} from '../../../src/plan/schema-plan.js'
import {canonicalSchemaText, sameSchemaText} from '../../../src/schemas/canonical.js'
import {desiredSubjects} from '../../../src/schemas/desired-subjects.js'
import {invalidSchemaDiagnostic, positionInText} from '../../../src/schemas/invalid-schema.js'
import {recordFullName} from '../../../src/schemas/record-name.js'
import {versionsNamedIn} from '../../../src/schemas/observe-subjects.js'

const schema = (over: Partial<SchemaSpec> & Pick<SchemaSpec, 'name' | 'subject' | 'schema'>): SchemaSpec => ({type: 'AVRO', references: [], ...over})
const topic = (name: string, over: Partial<TopicMeta> = {}): TopicMeta => ({name, labels: {}, ...over})

describe('canonical schema comparison', () => {
  it.each([
    ['AVRO', '{"type":"record","name":"A","fields":[]}', '{\n  "name": "A",\n  "type": "record", "fields": [ ]\n}', true],
    ['AVRO', '{"type":"record","name":"A","fields":[{"name":"x","type":"int"},{"name":"y","type":"int"}]}',
      '{"type":"record","name":"A","fields":[{"name":"y","type":"int"},{"name":"x","type":"int"}]}', false],
    ['JSON', '{"type":"object","title":"T"}', '{ "title": "T", "type": "object" }', true],
    ['JSON', '{"type":"object"}', '{"type":"string"}', false],
    ['PROTOBUF', 'syntax = "proto3";\nmessage A {\n  string id = 1; // the id\n}\n', 'syntax="proto3";\n/* doc */\nmessage A { string id = 1; }', true],
    ['PROTOBUF', 'syntax = "proto3";\nmessage A { string id = 1; }', 'syntax = "proto3";\nmessage A { string id = 2; }', false],
  ] as const)('%s %#', (type, a, b, same) => {
    expect(sameSchemaText(type, a, b)).toBe(same)
  })

  it('compares invalid JSON as trimmed text instead of throwing', () => {
    expect(canonicalSchemaText('AVRO', ' {broken ')).toBe('{broken')
  })
})

describe('record full name (RecordNameStrategy)', () => {
  it.each([
    ['AVRO', '{"type":"record","name":"Order","namespace":"shop.v1","fields":[]}', 'shop.v1.Order'],
    ['AVRO', '{"type":"record","name":"shop.v2.Order","namespace":"ignored","fields":[]}', 'shop.v2.Order'],
    ['AVRO', '{"type":"record","name":"Order","fields":[]}', 'Order'],
    ['AVRO', '"string"', undefined],
    ['JSON', '{"title":"Customer","type":"object"}', 'Customer'],
    ['JSON', '{"type":"object"}', undefined],
    ['PROTOBUF', 'syntax = "proto3";\npackage shop.pay;\nenum E { A = 0; }\nmessage Payment { string id = 1; }\nmessage Other {}', 'shop.pay.Payment'],
    ['PROTOBUF', 'syntax = "proto3";\nmessage Bare { string id = 1; }', 'Bare'],
  ] as const)('%s %s', (type, text, expected) => {
    expect(recordFullName(type, text)).toBe(expected)
  })
})

describe('desired subjects', () => {
  const order = schema({name: 'order', subject: 'shop.orders.v1-value', schema: '{"type":"record","name":"Order","namespace":"shop","fields":[]}', compatibility: 'BACKWARD'})

  it('adds TopicNameStrategy and RecordNameStrategy subjects from topic references, once each', () => {
    const {subjects, problems} = desiredSubjects({
      schemas: [order],
      topicMeta: [
        topic('shop.orders.v1', {valueSchema: {schema: 'order', strategy: 'topic'}}),
        topic('shop.orders.v2', {valueSchema: {schema: 'order', strategy: 'topic'}, keySchema: {schema: 'order', strategy: 'record'}}),
      ],
    })
    expect(problems).toEqual([])
    expect(subjects.map((s) => [s.state.subject, s.via ?? null, s.state.compatibility])).toEqual([
      ['shop.Order', 'Topic/shop.orders.v2', 'BACKWARD'],
      ['shop.orders.v1-value', null, 'BACKWARD'],
      ['shop.orders.v2-value', 'Topic/shop.orders.v2', 'BACKWARD'],
    ])
  })

  it('reports a subject asked for with two different schemas, and a record strategy without a record name', () => {
    const other = schema({name: 'other', subject: 'shop.orders.v1-value', schema: '"string"'})
    const {problems} = desiredSubjects({
      schemas: [order, other],
      topicMeta: [topic('t', {location: {file: 'm.yaml', line: 3, column: 1}, valueSchema: {schema: 'other', strategy: 'record'}})],
    })
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/subject shop\.orders\.v1-value is asked for by Schema\/order and by Schema\/other/),
      expect.stringMatching(/valueSchema of t uses the record strategy, but Schema\/other names no record/),
    ])
    expect(problems[1]!.location).toEqual({file: 'm.yaml', line: 3, column: 1})
  })
})

describe('schema reference cycles', () => {
  const ref = (subject: string) => ({name: subject, subject, version: 1})
  it('reports a cycle once, at the schema where it starts, and accepts a diamond', () => {
    const a = schema({name: 'a', subject: 'A', schema: '"string"', references: [ref('B')], location: {file: 'a.yaml', line: 2, column: 1}})
    const b = schema({name: 'b', subject: 'B', schema: '"string"', references: [ref('C')]})
    const c = schema({name: 'c', subject: 'C', schema: '"string"', references: [ref('A')]})
    const {problems} = desiredSubjects({schemas: [a, b, c], topicMeta: []})
    expect(problems.map((p) => [p.resource, p.message])).toEqual([['Schema/a', 'schema references form a cycle: A → B → C → A']])
    expect(problems[0]!.location).toEqual({file: 'a.yaml', line: 2, column: 1})
    const top = schema({name: 'top', subject: 'T', schema: '"string"', references: [ref('L'), ref('R')]})
    const left = schema({name: 'l', subject: 'L', schema: '"string"', references: [ref('Z')]})
    const right = schema({name: 'r', subject: 'R', schema: '"string"', references: [ref('Z')]})
    const base = schema({name: 'z', subject: 'Z', schema: '"string"'})
    expect(desiredSubjects({schemas: [top, left, right, base], topicMeta: []}).problems).toEqual([])
  })
})

describe('positions in registry messages', () => {
  const text = '{\n  "type": "object",\n  "properties": {\n    "sku": {"type": "strin"}\n  }\n}'
  it.each([
    ['JSON.parse position', 'Unexpected token } in JSON at position 20', {line: 2, column: 19}],
    ['line and column', 'Expected comma in JSON at position 3 (line 4 column 7)', {line: 4, column: 7}],
    ['protobufjs line', "illegal token 'x' (line 3)", {line: 3, column: 1}],
    ['Ajv pointer', 'schema is invalid: data/properties/sku/type must be equal to one of the allowed values', {line: 4, column: 21}],
    ['nothing to go by', 'unknown type: strin', undefined],
  ])('%s', (_n, message, expected) => {
    expect(positionInText(text, message)).toEqual(expected)
  })

  it('names the manifest, the schema file (relative to the manifest) and the parser position', () => {
    const d = invalidSchemaDiagnostic({
      state: {subject: 's-value', schemaType: 'JSON', schema: text, references: []},
      schema: schema({name: 'stock', subject: 's-value', type: 'JSON', schema: text, file: 'schemas/stock.json', location: {file: 'manifests/schemas.yaml', line: 7, column: 3}}),
    }, 'Invalid schema: data/properties/sku/type must be equal to one of the allowed values')
    expect(d.location).toEqual({file: 'manifests/schemas/stock.json', line: 4, column: 21})
    expect(d.message).toContain('declared at manifests/schemas.yaml:7:3')
    expect(d.message).toContain('schema file manifests/schemas/stock.json:4:21')
    expect(d.resource).toBe('Schema/stock')
  })
})

describe('incompatible versions in reasons', () => {
  it('reads the conflicting versions from our reasons and from Confluent\'s context entries', () => {
    expect(versionsNamedIn(["BACKWARD_TRANSITIVE incompatible with version 1: field 'a': type changed", 'FULL incompatible with version 3: x'])).toEqual([1, 3])
    expect(versionsNamedIn([
      "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/1/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: LONG not compatible with writer type: STRING'}",
      '{oldSchemaVersion: 2}', "{oldSchema: '{\"type\":\"record\"}'}", "{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}",
    ])).toEqual([2])
    expect(versionsNamedIn(['no version here'])).toEqual([])
  })

  const have = (conflictsWith?: number[]): SubjectState => ({
    subject: 's-value', schemaType: 'AVRO', schema: '"int"', references: [], version: 2, id: 7, compatibility: 'BACKWARD_TRANSITIVE',
    compatibilityWithDesired: {compatible: false, level: 'BACKWARD_TRANSITIVE', messages: ["BACKWARD_TRANSITIVE incompatible with version 1: field 'a': type changed from string to long"], ...(conflictsWith ? {conflictsWith} : {})},
  })
  const want: SubjectState = {subject: 's-value', schemaType: 'AVRO', schema: '"long"', references: [], compatibility: 'BACKWARD_TRANSITIVE'}

  it('blocks naming the level and the version it conflicts with, not the latest', () => {
    const {actions, blocked} = planSubjects([want], [have([1])])
    expect(actions).toEqual([])
    expect(blocked.map((b) => b.reason)).toEqual(["the new schema is not BACKWARD_TRANSITIVE-compatible with version 1 of s-value: field 'a': type changed from string to long"])
  })

  it('keeps each reason\'s version when several versions conflict; without a verdict\'s versions it names the latest', () => {
    const several = planSubjects([want], [{...have([1, 2]), compatibilityWithDesired: {...have().compatibilityWithDesired!, messages: ['BACKWARD_TRANSITIVE incompatible with version 2: x', 'BACKWARD_TRANSITIVE incompatible with version 1: y'], conflictsWith: [1, 2]}}])
    expect(several.blocked[0]!.reason).toBe('the new schema is not BACKWARD_TRANSITIVE-compatible with versions 1, 2 of s-value: version 2: x; version 1: y')
    expect(planSubjects([want], [have()]).blocked[0]!.reason).toMatch(/with version 2 of s-value/)
  })
})

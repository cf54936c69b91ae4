import {describe, expect, it} from 'vitest'
import type {CompatibilityLevel, SchemaType} from '../../../src/model/state.js'
import {checkCompatibility} from '../../../src/registry/compat/index.js'
import {parseSchema} from '../../../src/registry/parse-schema.js'

interface Case {
  name: string
  type: SchemaType
  level: CompatibilityLevel
  /** Registered versions, oldest first. */
  versions: string[]
  candidate: string
  /** Empty: compatible. Otherwise each string must appear in some reason. */
  reasons: string[]
}

const avro = (fields: object[], extra: object = {}) => JSON.stringify({type: 'record', name: 'User', namespace: 'shop', fields, ...extra})
const id = {name: 'id', type: 'long'}
const email = {name: 'email', type: 'string'}
const emailDefault = {name: 'email', type: 'string', default: ''}
const color = (symbols: string[], extra: object = {}) => ({name: 'color', type: {type: 'enum', name: 'Color', symbols, ...extra}})

const AVRO: Case[] = [
  {name: 'add field with default', type: 'AVRO', level: 'BACKWARD', versions: [avro([id])], candidate: avro([id, emailDefault]), reasons: []},
  {name: 'add field without default', type: 'AVRO', level: 'BACKWARD', versions: [avro([id])], candidate: avro([id, email]), reasons: ["BACKWARD incompatible with version 1: field 'email' was added without a default"]},
  {name: 'remove field (backward ok)', type: 'AVRO', level: 'BACKWARD', versions: [avro([id, email])], candidate: avro([id]), reasons: []},
  {name: 'remove field without default (forward)', type: 'AVRO', level: 'FORWARD', versions: [avro([id, email])], candidate: avro([id]), reasons: ["FORWARD incompatible with version 1: field 'email' was removed without a default"]},
  {name: 'remove field with default (forward ok)', type: 'AVRO', level: 'FORWARD', versions: [avro([id, emailDefault])], candidate: avro([id]), reasons: []},
  {name: 'add field without default (forward ok)', type: 'AVRO', level: 'FORWARD', versions: [avro([id])], candidate: avro([id, email]), reasons: []},
  {name: 'type changed', type: 'AVRO', level: 'BACKWARD', versions: [avro([id])], candidate: avro([{name: 'id', type: 'string'}]), reasons: ["field 'id': type changed from long to string"]},
  {name: 'int promoted to long', type: 'AVRO', level: 'BACKWARD', versions: [avro([{name: 'id', type: 'int'}])], candidate: avro([id]), reasons: []},
  {name: 'long narrowed to int (backward)', type: 'AVRO', level: 'BACKWARD', versions: [avro([id])], candidate: avro([{name: 'id', type: 'int'}]), reasons: ["field 'id': type changed from long to int"]},
  {name: 'enum symbol removed', type: 'AVRO', level: 'BACKWARD', versions: [avro([color(['RED', 'GREEN'])])], candidate: avro([color(['GREEN'])]), reasons: ["enum shop.Color: symbol 'RED' was removed"]},
  {name: 'enum symbol added (backward ok)', type: 'AVRO', level: 'BACKWARD', versions: [avro([color(['RED'])])], candidate: avro([color(['RED', 'BLUE'])]), reasons: []},
  {name: 'enum symbol added (forward)', type: 'AVRO', level: 'FORWARD', versions: [avro([color(['RED'])])], candidate: avro([color(['RED', 'BLUE'])]), reasons: ["symbol 'BLUE' was added and the old schema has no enum default"]},
  {name: 'enum symbol added, old has default (forward ok)', type: 'AVRO', level: 'FORWARD', versions: [avro([color(['RED', 'UNKNOWN'], {default: 'UNKNOWN'})])], candidate: avro([color(['RED', 'UNKNOWN', 'BLUE'], {default: 'UNKNOWN'})]), reasons: []},
  {name: 'full: add optional field', type: 'AVRO', level: 'FULL', versions: [avro([id])], candidate: avro([id, {name: 'note', type: ['null', 'string'], default: null}]), reasons: []},
  {name: 'full: add required field', type: 'AVRO', level: 'FULL', versions: [avro([id])], candidate: avro([id, email]), reasons: ["FULL incompatible with version 1: field 'email' was added without a default"]},
  {name: 'record renamed', type: 'AVRO', level: 'BACKWARD', versions: [avro([id])], candidate: avro([id], {name: 'Customer'}), reasons: ['record renamed from shop.User to shop.Customer']},
  {name: 'record renamed with alias', type: 'AVRO', level: 'BACKWARD', versions: [avro([id])], candidate: avro([id], {name: 'Customer', aliases: ['User']}), reasons: []},
  {name: 'field renamed with alias', type: 'AVRO', level: 'BACKWARD', versions: [avro([id])], candidate: avro([{name: 'userId', type: 'long', aliases: ['id']}]), reasons: []},
  {name: 'union branch removed', type: 'AVRO', level: 'BACKWARD', versions: [avro([{name: 'v', type: ['null', 'string', 'long']}])], candidate: avro([{name: 'v', type: ['null', 'string']}]), reasons: ["field 'v': union branch long was removed"]},
  {name: 'nested record field added', type: 'AVRO', level: 'BACKWARD', versions: [avro([{name: 'addr', type: {type: 'record', name: 'Addr', fields: [{name: 'city', type: 'string'}]}}])], candidate: avro([{name: 'addr', type: {type: 'record', name: 'Addr', fields: [{name: 'city', type: 'string'}, {name: 'zip', type: 'string'}]}}]), reasons: ["field 'addr.zip' was added without a default"]},
  {name: 'NONE allows anything', type: 'AVRO', level: 'NONE', versions: [avro([id])], candidate: avro([{name: 'x', type: 'string'}]), reasons: []},
  {name: 'BACKWARD only checks the latest', type: 'AVRO', level: 'BACKWARD', versions: [avro([id, email]), avro([id])], candidate: avro([id, {name: 'email', type: 'long', default: 0}]), reasons: []},
  {name: 'BACKWARD_TRANSITIVE checks all versions', type: 'AVRO', level: 'BACKWARD_TRANSITIVE', versions: [avro([id, email]), avro([id])], candidate: avro([id, {name: 'email', type: 'long', default: 0}]), reasons: ["BACKWARD_TRANSITIVE incompatible with version 1: field 'email': type changed from string to long"]},
  {name: 'FORWARD_TRANSITIVE checks all versions', type: 'AVRO', level: 'FORWARD_TRANSITIVE', versions: [avro([id, email]), avro([id, emailDefault])], candidate: avro([id]), reasons: ["FORWARD_TRANSITIVE incompatible with version 1: field 'email' was removed without a default"]},
  {name: 'FULL_TRANSITIVE checks all versions', type: 'AVRO', level: 'FULL_TRANSITIVE', versions: [avro([id]), avro([id, emailDefault])], candidate: avro([id, {name: 'email', type: 'long', default: 0}]), reasons: ["incompatible with version 2: field 'email': type changed from string to long"]},
]

const js = (o: object) => JSON.stringify(o)
const obj = (properties: object, extra: object = {}) => js({type: 'object', properties, ...extra})
const JSONS: Case[] = [
  {name: 'open model: remove property', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}, b: {type: 'string'}})], candidate: obj({a: {type: 'string'}}), reasons: []},
  {name: 'open model: add property', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}})], candidate: obj({a: {type: 'string'}, b: {type: 'string'}}), reasons: ['#/properties/b: property added to an open content model [PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL]']},
  {name: 'closed model: add optional property', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}}, {additionalProperties: false})], candidate: obj({a: {type: 'string'}, b: {type: 'string'}}, {additionalProperties: false}), reasons: []},
  {name: 'closed model: remove property', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}, b: {type: 'string'}}, {additionalProperties: false})], candidate: obj({a: {type: 'string'}}, {additionalProperties: false}), reasons: ['#/properties/b: property removed from a closed content model [PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL]']},
  {name: 'closed model: add required property', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}}, {additionalProperties: false})], candidate: obj({a: {type: 'string'}, b: {type: 'string'}}, {additionalProperties: false, required: ['b']}), reasons: ['#/properties/b: required property added [REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL]']},
  {name: 'property becomes required', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}})], candidate: obj({a: {type: 'string'}}, {required: ['a']}), reasons: ['#/properties/a: property became required [REQUIRED_ATTRIBUTE_ADDED]']},
  {name: 'partially open: added property covered', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}}, {additionalProperties: {type: 'string'}})], candidate: obj({a: {type: 'string'}, b: {type: 'string'}}, {additionalProperties: {type: 'string'}}), reasons: []},
  {name: 'partially open: added property not covered', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}}, {additionalProperties: {type: 'string'}})], candidate: obj({a: {type: 'string'}, b: {type: 'integer'}}, {additionalProperties: {type: 'string'}}), reasons: ['[PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL]']},
  {name: 'close the content model', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}})], candidate: obj({a: {type: 'string'}}, {additionalProperties: false}), reasons: ['[ADDITIONAL_PROPERTIES_REMOVED]']},
  {name: 'type changed', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}})], candidate: obj({a: {type: 'integer'}}), reasons: ['#/properties/a: type changed from string to integer [TYPE_CHANGED]']},
  {name: 'integer widened to number', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'integer'}})], candidate: obj({a: {type: 'number'}}), reasons: []},
  {name: 'number narrowed to integer', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'number'}})], candidate: obj({a: {type: 'integer'}}), reasons: ['[TYPE_CHANGED]']},
  {name: 'type union narrowed', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: ['string', 'null']}})], candidate: obj({a: {type: 'string'}}), reasons: ['#/properties/a: type narrowed, null no longer accepted [TYPE_NARROWED]']},
  {name: 'enum value removed', type: 'JSON', level: 'BACKWARD', versions: [obj({c: {enum: ['RED', 'GREEN']}})], candidate: obj({c: {enum: ['GREEN']}}), reasons: ['#/properties/c: enum value(s) "RED" removed [ENUM_ARRAY_NARROWED]']},
  {name: 'enum value added', type: 'JSON', level: 'BACKWARD', versions: [obj({c: {enum: ['RED']}})], candidate: obj({c: {enum: ['RED', 'BLUE']}}), reasons: []},
  {name: 'enum value added (forward)', type: 'JSON', level: 'FORWARD', versions: [obj({c: {enum: ['RED']}})], candidate: obj({c: {enum: ['RED', 'BLUE']}}), reasons: ['enum value(s) "BLUE" added [ENUM_ARRAY_EXTENDED]']},
  {name: 'maxLength decreased', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string', maxLength: 10}})], candidate: obj({a: {type: 'string', maxLength: 5}}), reasons: ['maxLength decreased from 10 to 5 [MAX_LENGTH_DECREASED]']},
  {name: 'maxLength increased', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string', maxLength: 5}})], candidate: obj({a: {type: 'string', maxLength: 10}}), reasons: []},
  {name: 'minimum added', type: 'JSON', level: 'BACKWARD', versions: [obj({n: {type: 'integer'}})], candidate: obj({n: {type: 'integer', minimum: 0}}), reasons: ['minimum 0 added [MINIMUM_ADDED]']},
  {name: 'pattern added', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string'}})], candidate: obj({a: {type: 'string', pattern: '^x'}}), reasons: ['pattern added [PATTERN_ADDED]']},
  {name: 'pattern removed', type: 'JSON', level: 'BACKWARD', versions: [obj({a: {type: 'string', pattern: '^x'}})], candidate: obj({a: {type: 'string'}}), reasons: []},
  {name: 'array items type changed', type: 'JSON', level: 'BACKWARD', versions: [obj({l: {type: 'array', items: {type: 'string'}}})], candidate: obj({l: {type: 'array', items: {type: 'integer'}}}), reasons: ['#/properties/l/items: type changed from string to integer']},
  {name: 'oneOf alternative removed', type: 'JSON', level: 'BACKWARD', versions: [js({oneOf: [{type: 'string'}, {type: 'integer'}]})], candidate: js({oneOf: [{type: 'string'}]}), reasons: ['alternative 1 of oneOf/anyOf is no longer accepted [SUM_TYPE_NARROWED]']},
  {name: 'oneOf alternative added', type: 'JSON', level: 'BACKWARD', versions: [js({oneOf: [{type: 'string'}]})], candidate: js({oneOf: [{type: 'string'}, {type: 'integer'}]}), reasons: []},
  {name: 'local $ref followed', type: 'JSON', level: 'BACKWARD', versions: [js({definitions: {A: {type: 'string'}}, type: 'object', properties: {a: {$ref: '#/definitions/A'}}})], candidate: js({definitions: {A: {type: 'integer'}}, type: 'object', properties: {a: {$ref: '#/definitions/A'}}}), reasons: ['#/properties/a: type changed from string to integer']},
  {name: 'FULL: open model add property', type: 'JSON', level: 'FULL', versions: [obj({a: {type: 'string'}})], candidate: obj({a: {type: 'string'}, b: {type: 'string'}}), reasons: ['FULL incompatible with version 1: #/properties/b: property added to an open content model']},
  {name: 'NONE', type: 'JSON', level: 'NONE', versions: [obj({a: {type: 'string'}})], candidate: obj({a: {type: 'integer'}}), reasons: []},
  {name: 'BACKWARD_TRANSITIVE', type: 'JSON', level: 'BACKWARD_TRANSITIVE', versions: [obj({a: {type: 'string'}}, {additionalProperties: false}), obj({}, {additionalProperties: false})], candidate: obj({a: {type: 'integer'}}, {additionalProperties: false}), reasons: ['BACKWARD_TRANSITIVE incompatible with version 1: #/properties/a: type changed from string to integer']},
]

const proto = (body: string, pkg = 'shop') => `syntax = "proto3";\npackage ${pkg};\n${body}\n`
const PROTO: Case[] = [
  {name: 'add field', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { string id = 1; }')], candidate: proto('message O { string id = 1; int64 qty = 2; }'), reasons: []},
  {name: 'remove field', type: 'PROTOBUF', level: 'FULL', versions: [proto('message O { string id = 1; int64 qty = 2; }')], candidate: proto('message O { string id = 1; }'), reasons: []},
  {name: 'rename field', type: 'PROTOBUF', level: 'FULL', versions: [proto('message O { string id = 1; }')], candidate: proto('message O { string order_id = 1; }'), reasons: []},
  {name: 'scalar type changed across wire groups', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { string id = 1; }')], candidate: proto('message O { int64 id = 1; }'), reasons: ['shop.O field 1: type changed from string to int64 [FIELD_SCALAR_KIND_CHANGED]']},
  {name: 'scalar type changed within a wire group', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { int32 n = 1; }')], candidate: proto('message O { int64 n = 1; }'), reasons: []},
  {name: 'varint to zigzag', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { int32 n = 1; }')], candidate: proto('message O { sint32 n = 1; }'), reasons: ['shop.O field 1: type changed from int32 to sint32 [FIELD_SCALAR_KIND_CHANGED]']},
  {name: 'string to bytes', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { string s = 1; }')], candidate: proto('message O { bytes s = 1; }'), reasons: []},
  {name: 'scalar to message', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { string s = 1; } message M { string x = 1; }')], candidate: proto('message O { M s = 1; } message M { string x = 1; }'), reasons: ['shop.O field 1: kind changed from scalar to message [FIELD_KIND_CHANGED]']},
  {name: 'message type changed', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { A a = 1; } message A { string x = 1; } message B { string x = 1; }')], candidate: proto('message O { B a = 1; } message A { string x = 1; } message B { string x = 1; }'), reasons: ['shop.O field 1: type changed from shop.A to shop.B [FIELD_NAMED_TYPE_CHANGED]']},
  {name: 'message removed', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { string id = 1; } message P { string id = 1; }')], candidate: proto('message O { string id = 1; }'), reasons: ['message shop.P was removed [MESSAGE_REMOVED]']},
  {name: 'message added', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { string id = 1; }')], candidate: proto('message O { string id = 1; } message P { string id = 1; }'), reasons: []},
  {name: 'message added (forward)', type: 'PROTOBUF', level: 'FORWARD', versions: [proto('message O { string id = 1; }')], candidate: proto('message O { string id = 1; } message P { string id = 1; }'), reasons: ['message shop.P was added, old readers lack it [MESSAGE_REMOVED]']},
  {name: 'package changed', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { string id = 1; }')], candidate: proto('message O { string id = 1; }', 'store'), reasons: ["package changed from 'shop' to 'store' [PACKAGE_CHANGED]"]},
  {name: 'enum constant added and removed', type: 'PROTOBUF', level: 'FULL', versions: [proto('message O { S s = 1; } enum S { A = 0; B = 1; }')], candidate: proto('message O { S s = 1; } enum S { A = 0; C = 2; }'), reasons: []},
  {name: 'singular to repeated int', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { int32 n = 1; }')], candidate: proto('message O { repeated int32 n = 1; }'), reasons: ['shop.O field 1: changed from singular to repeated [FIELD_NUMERIC_LABEL_CHANGED]']},
  {name: 'singular to repeated string', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { string s = 1; }')], candidate: proto('message O { repeated string s = 1; }'), reasons: []},
  {name: 'oneof field removed', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { oneof k { string a = 1; int64 b = 2; } }')], candidate: proto('message O { oneof k { string a = 1; } }'), reasons: ["shop.O field 2 ('b'): field removed from oneof k [ONEOF_FIELD_REMOVED]"]},
  {name: 'oneof removed', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { oneof k { string a = 1; int64 b = 2; } }')], candidate: proto('message O { string a = 1; int64 b = 2; }'), reasons: ['shop.O: oneof k was removed [ONEOF_REMOVED]']},
  {name: 'one field moved into a new oneof', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { string a = 1; }')], candidate: proto('message O { oneof k { string a = 1; int64 b = 2; } }'), reasons: []},
  {name: 'several fields moved into a oneof', type: 'PROTOBUF', level: 'BACKWARD', versions: [proto('message O { string a = 1; int64 b = 2; }')], candidate: proto('message O { oneof k { string a = 1; int64 b = 2; } }'), reasons: ['shop.O: existing field(s) 1, 2 moved into oneof k [MULTIPLE_FIELDS_MOVED_TO_ONEOF]']},
  {name: 'proto3 optional is not a oneof', type: 'PROTOBUF', level: 'FULL', versions: [proto('message O { string a = 1; }')], candidate: proto('message O { optional string a = 1; }'), reasons: []},
  {name: 'proto2 required field added', type: 'PROTOBUF', level: 'BACKWARD', versions: ['syntax = "proto2"; package p; message O { optional string a = 1; }'], candidate: 'syntax = "proto2"; package p; message O { optional string a = 1; required int32 b = 2; }', reasons: ["p.O field 2 ('b'): required field added [REQUIRED_FIELD_ADDED]"]},
  {name: 'syntax changed', type: 'PROTOBUF', level: 'FULL', versions: ['syntax = "proto2"; package p; message O { optional string a = 1; }'], candidate: 'syntax = "proto3"; package p; message O { string a = 1; }', reasons: []},
  {name: 'FORWARD_TRANSITIVE', type: 'PROTOBUF', level: 'FORWARD_TRANSITIVE', versions: [proto('message O { int32 a = 1; }'), proto('message O { }')], candidate: proto('message O { string a = 1; }'), reasons: ['FORWARD_TRANSITIVE incompatible with version 1: shop.O field 1: type changed from int32 to string']},
  {name: 'FORWARD (latest only)', type: 'PROTOBUF', level: 'FORWARD', versions: [proto('message O { int32 a = 1; }'), proto('message O { }')], candidate: proto('message O { string a = 1; }'), reasons: []},
]

describe('compatibility rules', () => {
  it.each([...AVRO, ...JSONS, ...PROTO].map((c) => [`${c.type} ${c.level}: ${c.name}`, c] as const))('%s', (_label, c) => {
    const previous = c.versions.map((text, i) => ({version: i + 1, parsed: parseSchema(c.type, text)}))
    const reasons = checkCompatibility(c.level, parseSchema(c.type, c.candidate), previous)
    if (c.reasons.length === 0) expect(reasons).toEqual([])
    else for (const expected of c.reasons) expect(reasons.join('\n')).toContain(expected)
  })
})

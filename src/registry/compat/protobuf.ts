import protobuf from 'protobufjs'
import type {ProtoMain} from '../parse-schema.js'
import {type Direction, phrase} from './direction.js'

/**
 * Protobuf compatibility, after Confluent's documented rules ("Protobuf compatibility rules" in
 * https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/serdes-protobuf.html,
 * and the difference types of their Protobuf schema diff). Compatible: adding or removing
 * messages' fields, renaming fields, adding/removing enums and enum constants, adding messages,
 * changing syntax, moving a single field into a new oneof. Incompatible: package changed,
 * message removed, field kind (scalar / message / enum) changed, scalar type changed outside one
 * wire-compatible group, message-typed field's type changed, optional↔repeated except for
 * length-delimited types, required field added or removed, oneof or oneof field removed, several
 * existing fields moved into one oneof. Confluent names are kept in brackets.
 */
export interface ProtoSide {
  readonly root: protobuf.Root
  readonly main: ProtoMain
}

/** Scalars that decode each other's bytes (same wire type, same encoding). */
const WIRE_GROUPS: readonly (readonly string[])[] = [
  ['int32', 'uint32', 'int64', 'uint64', 'bool'],
  ['sint32', 'sint64'],
  ['fixed32', 'sfixed32'],
  ['fixed64', 'sfixed64'],
  ['string', 'bytes'],
]
const LENGTH_DELIMITED = new Set(['string', 'bytes'])

export function checkProtobuf(reader: ProtoSide, writer: ProtoSide, direction: Direction): string[] {
  const out: string[] = []
  const [newS, oldS] = direction === 'backward' ? [reader, writer] : [writer, reader]
  if (reader.main.package !== writer.main.package) {
    out.push(`package changed from '${oldS.main.package}' to '${newS.main.package}' [PACKAGE_CHANGED]`)
    return out
  }
  for (const name of writer.main.typeNames) {
    const wt = writer.root.lookup(name)
    if (!(wt instanceof protobuf.Type)) continue
    const rt = reader.root.lookup(name)
    if (!(rt instanceof protobuf.Type)) {
      out.push(phrase(direction, `message ${name} was removed [MESSAGE_REMOVED]`, `message ${name} was added, old readers lack it [MESSAGE_REMOVED]`))
      continue
    }
    out.push(...compareMessage(rt, wt, name, direction))
  }
  return out
}

function compareMessage(r: protobuf.Type, w: protobuf.Type, msg: string, direction: Direction): string[] {
  const out: string[] = []
  for (const wf of w.fieldsArray) {
    const rf = r.fieldsById[wf.id]
    const at = `${msg} field ${wf.id}`
    if (!rf) {
      if (wf.required) out.push(phrase(direction, `${at} ('${wf.name}'): required field removed [REQUIRED_FIELD_REMOVED]`, `${at} ('${wf.name}'): required field added [REQUIRED_FIELD_ADDED]`))
      if (wf.partOf && r.oneofs?.[wf.partOf.name]) out.push(phrase(direction, `${at} ('${wf.name}'): field removed from oneof ${wf.partOf.name} [ONEOF_FIELD_REMOVED]`, `${at} ('${wf.name}'): field added to oneof ${wf.partOf.name} [ONEOF_FIELD_REMOVED]`))
      continue
    }
    const [nf, of] = direction === 'backward' ? [rf, wf] : [wf, rf]
    out.push(...compareField(rf, wf, at, nf, of))
    if (rf.required !== wf.required) {
      out.push(rf.required
        ? phrase(direction, `${at}: field became required [REQUIRED_FIELD_ADDED]`, `${at}: field is no longer required [REQUIRED_FIELD_REMOVED]`)
        : phrase(direction, `${at}: field is no longer required [REQUIRED_FIELD_REMOVED]`, `${at}: field became required [REQUIRED_FIELD_ADDED]`))
    }
  }
  for (const rf of r.fieldsArray) {
    if (!w.fieldsById[rf.id] && rf.required) {
      out.push(phrase(direction, `${msg} field ${rf.id} ('${rf.name}'): required field added [REQUIRED_FIELD_ADDED]`, `${msg} field ${rf.id} ('${rf.name}'): required field removed [REQUIRED_FIELD_REMOVED]`))
    }
  }
  for (const wo of w.oneofsArray ?? []) {
    if (isSyntheticOneof(wo)) continue
    const ids = wo.fieldsArray.map((f) => f.id)
    const ro = (r.oneofsArray ?? []).find((o) => !isSyntheticOneof(o) && o.fieldsArray.some((f) => ids.includes(f.id)))
    if (!ro) out.push(phrase(direction, `${msg}: oneof ${wo.name} was removed [ONEOF_REMOVED]`, `${msg}: oneof ${wo.name} was added around existing fields [ONEOF_REMOVED]`))
  }
  for (const ro of r.oneofsArray ?? []) {
    if (isSyntheticOneof(ro)) continue
    const moved = ro.fieldsArray.filter((f) => {
      const wf = w.fieldsById[f.id]
      return wf && (!wf.partOf || isSyntheticOneof(wf.partOf))
    })
    const existed = (w.oneofsArray ?? []).some((o) => !isSyntheticOneof(o) && o.fieldsArray.some((f) => ro.fieldsArray.some((x) => x.id === f.id)))
    if (moved.length > 1 || (moved.length === 1 && existed)) {
      out.push(phrase(direction,
        `${msg}: existing field(s) ${moved.map((f) => f.id).join(', ')} moved into oneof ${ro.name} [${existed ? 'FIELD_MOVED_TO_EXISTING_ONEOF' : 'MULTIPLE_FIELDS_MOVED_TO_ONEOF'}]`,
        `${msg}: field(s) ${moved.map((f) => f.id).join(', ')} moved out of oneof ${ro.name} [${existed ? 'FIELD_MOVED_TO_EXISTING_ONEOF' : 'MULTIPLE_FIELDS_MOVED_TO_ONEOF'}]`))
    }
  }
  return out
}

function compareField(r: protobuf.Field, w: protobuf.Field, at: string, nf: protobuf.Field, of: protobuf.Field): string[] {
  const out: string[] = []
  r.resolve()
  w.resolve()
  const rk = kindOf(r), wk = kindOf(w)
  if (rk !== wk) return [`${at}: kind changed from ${kindOf(of)} to ${kindOf(nf)} [FIELD_KIND_CHANGED]`]
  if (rk === 'scalar' && r.type !== w.type && !WIRE_GROUPS.some((g) => g.includes(r.type) && g.includes(w.type))) {
    out.push(`${at}: type changed from ${of.type} to ${nf.type} [FIELD_SCALAR_KIND_CHANGED]`)
  }
  if (rk !== 'scalar' && r.resolvedType?.fullName !== w.resolvedType?.fullName) {
    out.push(`${at}: type changed from ${of.resolvedType?.fullName.slice(1)} to ${nf.resolvedType?.fullName.slice(1)} [FIELD_NAMED_TYPE_CHANGED]`)
  }
  if (r.map !== w.map) out.push(`${at}: map changed to non-map or back [FIELD_KIND_CHANGED]`)
  else if (r.repeated !== w.repeated && !(rk === 'message' || LENGTH_DELIMITED.has(r.type))) {
    out.push(`${at}: changed from ${of.repeated ? 'repeated' : 'singular'} to ${nf.repeated ? 'repeated' : 'singular'} [FIELD_NUMERIC_LABEL_CHANGED]`)
  }
  return out
}

function kindOf(f: protobuf.Field): 'scalar' | 'message' | 'enum' {
  if (f.resolvedType instanceof protobuf.Enum) return 'enum'
  if (f.resolvedType instanceof protobuf.Type) return 'message'
  return 'scalar'
}

/** proto3 `optional` is a synthetic oneof of one field named `_<field>`; it is not a real oneof. */
function isSyntheticOneof(o: protobuf.OneOf): boolean {
  return o.fieldsArray.length === 1 && o.name === `_${o.fieldsArray[0]!.name}`
}

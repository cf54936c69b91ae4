import type avro from 'avsc'
import {type Direction, phrase} from './direction.js'

/**
 * Avro compatibility is Avro's own schema resolution: avsc's `reader.createResolver(writer)`
 * throws exactly when data written with `writer` cannot be read with `reader` (Avro spec,
 * "Schema Resolution"). That call is the verdict; the walk below only pinpoints readable
 * reasons (field added/removed without default, type changed, enum symbol removed) for it.
 */
export function checkAvro(reader: avro.Type, writer: avro.Type, direction: Direction): string[] {
  try {
    reader.createResolver(writer)
    return []
  } catch (error) {
    const reasons = explain(reader, writer, direction, '')
    return reasons.length > 0 ? reasons : [`schemas cannot be resolved: ${(error as Error).message}`]
  }
}

const resolves = (reader: avro.Type, writer: avro.Type): boolean => {
  try {
    reader.createResolver(writer)
    return true
  } catch {
    return false
  }
}

const label = (t: avro.Type): string => t.name ?? t.typeName

function explain(reader: avro.Type, writer: avro.Type, direction: Direction, path: string): string[] {
  if (resolves(reader, writer)) return []
  const at = path === '' ? 'the root type' : `field '${path}'`
  const [newT, oldT] = direction === 'backward' ? [reader, writer] : [writer, reader]
  const r = reader as any
  const w = writer as any
  if (r.typeName === 'record' && w.typeName === 'record') {
    if (!resolvesName(r, w)) return [`${at}: record renamed from ${label(oldT)} to ${label(newT)} without an alias`]
    const out: string[] = []
    for (const rf of r.fields as any[]) {
      const wf = (w.fields as any[]).find((f) => f.name === rf.name || (rf.aliases as string[]).includes(f.name))
      const fieldPath = path === '' ? rf.name : `${path}.${rf.name}`
      if (!wf) {
        if (rf.defaultValue() === undefined) {
          out.push(phrase(direction, `field '${fieldPath}' was added without a default`, `field '${fieldPath}' was removed without a default`))
        }
        continue
      }
      out.push(...explain(rf.type, wf.type, direction, fieldPath))
    }
    return out
  }
  if (r.typeName === 'enum' && w.typeName === 'enum' && resolvesName(r, w)) {
    const missing = (w.symbols as string[]).filter((s) => !(r.symbols as string[]).includes(s))
    return missing.map((s) =>
      phrase(direction, `enum ${label(w)}: symbol '${s}' was removed`, `enum ${label(w)}: symbol '${s}' was added and the old schema has no enum default`),
    )
  }
  if (r.typeName === 'array' && w.typeName === 'array') return explain(r.itemsType, w.itemsType, direction, `${path}[]`)
  if (r.typeName === 'map' && w.typeName === 'map') return explain(r.valuesType, w.valuesType, direction, `${path}{}`)
  if (w.typeName.startsWith('union') && r.typeName.startsWith('union')) {
    const unreadable = (w.types as avro.Type[]).filter((wt) => !(r.types as avro.Type[]).some((rt) => resolves(rt, wt)))
    return unreadable.map((t) =>
      phrase(direction, `${at}: union branch ${label(t)} was removed`, `${at}: union branch ${label(t)} was added`),
    )
  }
  return [`${at}: type changed from ${describe(oldT)} to ${describe(newT)}`]
}

function resolvesName(r: any, w: any): boolean {
  return r.name === w.name || (r.aliases as string[] | undefined ?? []).includes(w.name)
}

function describe(t: avro.Type): string {
  const a = t as any
  if (a.typeName.startsWith('union')) return `[${(a.types as avro.Type[]).map(describe).join(', ')}]`
  return label(t)
}

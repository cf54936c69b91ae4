import {isMap, isPair, isScalar, isSeq, type Node} from 'yaml'
import type {SourceLocation} from '../errors.js'
import type {ParsedDoc} from './parse-yaml.js'

export type DocPath = readonly (string | number)[]

/** Splits an ajv instancePath (a JSON Pointer) into segments. */
export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return []
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/**
 * The file:line:col of the node at `path` in a parsed document. With `key`, the position of the
 * map key itself (used for unknown keys). A path that goes further than the document (a missing
 * key) resolves to the deepest existing ancestor, which is where the key would have to be added.
 */
export function locate(pd: ParsedDoc, path: DocPath, opts: {key?: boolean} = {}): SourceLocation {
  let node: unknown = pd.doc.contents
  let offset = rangeStart(node) ?? 0
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!
    const last = i === path.length - 1
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg))
      if (!pair) break
      const keyStart = rangeStart(pair.key)
      if (last && opts.key && keyStart !== undefined) { offset = keyStart; break }
      node = pair.value
      offset = rangeStart(node) ?? keyStart ?? offset
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)]
      if (item === undefined) break
      node = item
      offset = rangeStart(node) ?? offset
    } else {
      break
    }
  }
  const {line, col} = pd.lineCounter.linePos(offset)
  return {file: pd.file, line, column: col}
}

/** The keys present in the map at `path` (for did-you-mean suggestions). */
export function keysAt(pd: ParsedDoc, path: DocPath): string[] {
  const node = pd.doc.getIn(path as (string | number)[], true)
  if (!isMap(node)) return []
  return node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter((k) => k !== '')
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as Node | null | undefined)?.range
  return r ? r[0] : undefined
}

import {isMap, isPair, isScalar, isSeq, type Document, type Node} from 'yaml'
import type {SourceLocation} from '../errors.js'
import type {ParsedDoc} from './parse-yaml.js'

export type DocPath = readonly (string | number)[]

/** Splits an ajv instancePath (a JSON Pointer) into segments. */
export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return []
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/**
 * Where each node of a document starts, by path: built once while the YAML tree is at hand, so the
 * tree itself can be dropped (for 10,000 manifests it is most of the memory a plan uses).
 * Keys are path segments joined by NUL; `k` is the offset of the map key that leads to the node.
 */
export type PositionIndex = ReadonlyMap<string, {readonly v: number; readonly k?: number}>

const SEP = '\u0000'

export function indexPositions(doc: Document.Parsed): PositionIndex {
  const out = new Map<string, {v: number; k?: number}>()
  const walk = (node: unknown, path: string, offset: number): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue
        const child = path === '' ? String(pair.key.value) : `${path}${SEP}${String(pair.key.value)}`
        if (out.has(child)) continue
        const keyStart = rangeStart(pair.key)
        const v = rangeStart(pair.value) ?? keyStart ?? offset
        out.set(child, keyStart === undefined ? {v} : {v, k: keyStart})
        walk(pair.value, child, v)
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = path === '' ? String(i) : `${path}${SEP}${i}`
        const v = rangeStart(item) ?? offset
        if (!out.has(child)) out.set(child, {v})
        walk(item, child, v)
      })
    }
  }
  const root = rangeStart(doc.contents) ?? 0
  out.set('', {v: root})
  walk(doc.contents, '', root)
  return out
}

/**
 * The file:line:col of the node at `path` in a parsed document. With `key`, the position of the
 * map key itself (used for unknown keys). A path that goes further than the document (a missing
 * key) resolves to the deepest existing ancestor, which is where the key would have to be added.
 */
export function locate(pd: ParsedDoc, path: DocPath, opts: {key?: boolean} = {}): SourceLocation {
  let offset = pd.positions.get('')!.v
  let at = ''
  for (let i = 0; i < path.length; i++) {
    at = i === 0 ? String(path[0]) : `${at}${SEP}${String(path[i])}`
    const entry = pd.positions.get(at)
    if (!entry) break
    offset = i === path.length - 1 && opts.key && entry.k !== undefined ? entry.k : entry.v
  }
  const {line, col} = pd.lineCounter.linePos(offset)
  return {file: pd.file, line, column: col}
}

/** The keys present in the map at `path` (for did-you-mean suggestions). */
export function keysAt(pd: ParsedDoc, path: DocPath): string[] {
  let node: unknown = pd.value
  for (const seg of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[String(seg)] : undefined
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? Object.keys(node) : []
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as Node | null | undefined)?.range
  return r ? r[0] : undefined
}

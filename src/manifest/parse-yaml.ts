import {Composer, isCollection, isScalar, isSeq, LineCounter, Parser, visit, type Document, type YAMLError} from 'yaml'
import type {Diagnostic} from '../errors.js'
import {indexPositions, type PositionIndex} from './parse-positions.js'
import {plainValue} from './plain-value.js'

/** One YAML document of a manifest file, with what is needed to point back into the text. */
export interface ParsedDoc {
  readonly file: string
  /** 0-based index of the document in its file. */
  readonly index: number
  /** Node positions by path; the YAML tree itself is not kept (see indexPositions). */
  readonly positions: PositionIndex
  readonly lineCounter: LineCounter
  /** The document as plain JS (what the JSON Schema validates). */
  readonly value: unknown
  /** Schema-invalid documents kept for checking: the paths (`spec/partitions`) cut from `value`. */
  readonly cut?: readonly string[]
}

export interface ParsedFile {
  /** The documents that parsed; one with a syntax error is left out (its errors say why). */
  readonly docs: readonly ParsedDoc[]
  readonly diagnostics: readonly Diagnostic[]
  /** kind and metadata.name of the documents left out, as far as yaml could still read them. */
  readonly broken: readonly {readonly kind: string; readonly name: string}[]
}

const HINTS: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'remove or rename one of the two keys',
  BAD_INDENT: 'check the indentation; YAML nests by indentation and flow collections must be closed',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MISSING_CHAR: 'a quote, bracket or brace is not closed',
  UNEXPECTED_TOKEN: 'check the line for a stray character',
  BLOCK_AS_IMPLICIT_KEY: 'a key must fit on one line; check for a missing colon or quote',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check for a missing colon or quote',
}

/**
 * Parses a multi-document manifest file. Pure (text in, documents out), and total: whatever the
 * text, the result is documents and located diagnostics, never an exception. Syntax errors are
 * placed where the broken construct starts (the unclosed `{`, `[` or quote) when yaml reports
 * them where it noticed; their messages are yaml's own short form (no source excerpt, so a
 * password on the offending line can never leak into output).
 */
export function parseManifestText(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter()
  const diagnostics: Diagnostic[] = []
  const docs: ParsedDoc[] = []
  const broken: {kind: string; name: string}[] = []
  const at = (offset: number) => {
    const {line, col} = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)))
    return {file, line, column: col}
  }
  const syntax = (offset: number, message: string, hint: string) =>
    diagnostics.push({severity: 'error', rule: 'yaml-syntax', message: `YAML syntax error: ${message}`, hint, location: at(offset)})
  // Document by document (what parseAllDocuments does, minus collecting them all): each YAML tree
  // is reduced to its position index and plain value, then dropped, so 10,000 documents never
  // hold 10,000 trees at once.
  const composer = new Composer({uniqueKeys: true, merge: true})
  let index = 0
  try {
    for (const doc of composer.compose(new Parser(lineCounter.addNewLine).parse(text))) {
      const used = new Set<unknown>()
      for (const e of doc.errors) {
        const start = constructStart(doc, e, used)
        syntax(start?.offset ?? e.pos[0], e.message.replace(/\.$/, '').split('\n')[0]!, start === undefined
          ? (HINTS[e.code] ?? 'fix the YAML syntax at this position')
          : `the ${start.opener} opened here is not closed (or a line inside it is not indented enough)`)
      }
      if (doc.errors.length > 0) {
        const id = envelope(doc)
        if (id) broken.push(id)
      }
      // An empty document (e.g. a trailing `---`) carries nothing; skip it instead of failing.
      if (doc.errors.length === 0 && doc.contents !== null) {
        keepExactIntegers(doc)
        const value = toPlain(doc, (offset, message, hint) => syntax(offset, message, hint))
        if (value !== undefined) {
          docs.push({file, index, positions: indexPositions(doc), lineCounter, value: value.value})
        }
      }
      index++
    }
  } catch (e) {
    // yaml itself recurses over nesting; input nested beyond the stack is refused where the file starts.
    diagnostics.push({severity: 'error', rule: 'yaml-syntax', location: at(0),
      message: `YAML cannot be read: ${e instanceof RangeError ? 'nested too deeply' : e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      hint: 'manifests need only a few levels of nesting; check for runaway brackets'})
  }
  return {docs, diagnostics, broken}
}

/** What a broken document declares, if yaml's best-effort reading still shows it. */
function envelope(doc: Document.Parsed): {kind: string; name: string} | undefined {
  const kind = doc.get('kind'), meta = doc.get('metadata')
  const name = meta && typeof meta === 'object' && 'get' in meta ? (meta as {get(k: string): unknown}).get('name') : undefined
  return typeof kind === 'string' && typeof name === 'string' ? {kind, name} : undefined
}

/** The document's value as plain data, or undefined after reporting why it has none. */
function toPlain(doc: Document.Parsed, report: (offset: number, message: string, hint: string) => void): {value: unknown} | undefined {
  let js: unknown
  try {
    js = doc.toJS({maxAliasCount: 100})
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e)
    const alias = firstAlias(doc, /Unresolved alias/.test(message) ? /Unresolved alias[^:]*: (.*)$/.exec(message)?.[1] : undefined)
    report(alias ?? doc.range[0], message.replace(/\.$/, ''), /alias/i.test(message)
      ? 'define the anchor (&name) before its alias (*name), and keep aliases few' : 'fix the YAML at this position')
    return undefined
  }
  const plain = plainValue(js)
  if ('problem' in plain) {
    report(firstAlias(doc) ?? doc.range[0], plain.problem, plain.hint)
    return undefined
  }
  return {value: plain.value}
}

function firstAlias(doc: Document.Parsed, source?: string): number | undefined {
  let found: number | undefined
  visit(doc, {
    Alias(_k, node) {
      if (source !== undefined && node.source !== source) return undefined
      found = node.range?.[0]
      return visit.BREAK
    },
  })
  return found
}

/**
 * Where the construct an error is about begins: yaml reports an unclosed flow collection or
 * quoted scalar where it gave up (often the next line), but the user needs the opening bracket.
 * The innermost node of the kind the message names that spans the error position is it.
 */
const OPENERS = {map: '{', seq: '[', QUOTE_DOUBLE: '"', QUOTE_SINGLE: "'"} as const

function constructStart(doc: Document.Parsed, e: YAMLError, used: Set<unknown>): {offset: number; opener: string} | undefined {
  const want = /Flow map/.test(e.message) ? 'map' : /Flow sequence/.test(e.message) ? 'seq'
    : /Missing closing "/.test(e.message) ? 'QUOTE_DOUBLE' : /Missing closing '/.test(e.message) ? 'QUOTE_SINGLE' : undefined
  if (!want) return undefined
  let best: {start: number; node: unknown} | undefined
  const pos = e.pos[0]
  visit(doc, (_k, node) => {
    const r = (node as {range?: [number, number, number]}).range
    // r[1] is where the value ends: a closed construct ends before the error.
    if (!r || used.has(node) || r[0] >= pos || r[1] < pos) return
    const kind = isCollection(node) ? (node.flow ? (isSeq(node) ? 'seq' : 'map') : undefined) : isScalar(node) ? node.type : undefined
    if (kind === want && (!best || r[0] >= best.start)) best = {start: r[0], node}
  })
  if (!best) return undefined
  used.add(best.node)
  return {offset: best.start, opener: OPENERS[want]}
}

/**
 * Kafka LONG configs go up to 2^63-1, beyond what a JS number holds exactly (a YAML
 * `retention.ms: 9223372036854775807` would become ...776000). Such integers keep their source
 * text as a string; Kafka wants strings anyway.
 */
function keepExactIntegers(doc: Document.Parsed): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'number' && Number.isInteger(node.value) && !Number.isSafeInteger(node.value) && /^[-+]?\d+$/.test(node.source ?? '')) {
        node.value = String(node.source).replace(/^\+/, '')
      }
    },
  })
}

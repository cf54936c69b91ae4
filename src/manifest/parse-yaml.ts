import {Composer, LineCounter, Parser, visit, type Document} from 'yaml'
import type {Diagnostic} from '../errors.js'
import {indexPositions, type PositionIndex} from './parse-positions.js'

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
}

export interface ParsedFile {
  readonly docs: readonly ParsedDoc[]
  readonly diagnostics: readonly Diagnostic[]
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
 * Parses a multi-document manifest file. Pure (text in, documents out). Syntax errors become
 * diagnostics at the position yaml reports; their messages are yaml's own short form (no
 * source excerpt, so a password on the offending line can never leak into output).
 */
export function parseManifestText(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter()
  const diagnostics: Diagnostic[] = []
  const docs: ParsedDoc[] = []
  // Document by document (what parseAllDocuments does, minus collecting them all): each YAML tree
  // is reduced to its position index and plain value, then dropped, so 10,000 documents never
  // hold 10,000 trees at once.
  const composer = new Composer({uniqueKeys: true, merge: true})
  let index = 0
  for (const doc of composer.compose(new Parser(lineCounter.addNewLine).parse(text))) {
    for (const e of doc.errors) {
      const {line, col} = lineCounter.linePos(e.pos[0])
      diagnostics.push({
        severity: 'error',
        rule: 'yaml-syntax',
        message: `YAML syntax error: ${e.message.replace(/\.$/, '')}`,
        hint: HINTS[e.code] ?? 'fix the YAML syntax at this position',
        location: {file, line, column: col},
      })
    }
    // An empty document (e.g. a trailing `---`) carries nothing; skip it instead of failing.
    if (doc.errors.length === 0 && doc.contents !== null) {
      keepExactIntegers(doc)
      docs.push({file, index, positions: indexPositions(doc), lineCounter, value: doc.toJS({maxAliasCount: 100})})
    }
    index++
  }
  return {docs: diagnostics.length > 0 ? [] : docs, diagnostics}
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

import {isNode, parseDocument} from 'yaml'
import type {Diagnostic, SourceLocation} from '../errors.js'
import type {DesiredSubject} from './desired-subjects.js'

/** The schema file's path as the user wrote it, relative to the manifest that names it. */
export function schemaFilePath(d: DesiredSubject): string | undefined {
  const file = d.schema.file
  if (file === undefined) return undefined
  if (file.startsWith('/') || !d.schema.location) return file
  const dir = d.schema.location.file.includes('/') ? d.schema.location.file.slice(0, d.schema.location.file.lastIndexOf('/') + 1) : ''
  return `${dir}${file}`
}

/**
 * Where in the schema text the parser stopped, from the registry's message: JSON.parse's
 * "position N" / "line L column C", protobufjs' "line L", or a JSON Schema validator's pointer
 * ("data/properties/sku/type", located in the text). Line and column are 1-based.
 */
export function positionInText(text: string, message: string): {line: number; column: number} | undefined {
  const lc = /line (\d+)(?: column (\d+))?/.exec(message)
  if (lc) return {line: Number(lc[1]), column: lc[2] === undefined ? 1 : Number(lc[2])}
  const pos = /position (\d+)/.exec(message)
  if (pos) return offsetToLineColumn(text, Number(pos[1]))
  const pointer = /\bdata((?:\/[^\s,/]+)+)/.exec(message)
  if (pointer) {
    const offset = pointerOffset(text, pointer[1]!.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')))
    if (offset !== undefined) return offsetToLineColumn(text, offset)
  }
  return undefined
}

function offsetToLineColumn(text: string, offset: number): {line: number; column: number} {
  const lines = text.slice(0, offset).split('\n')
  return {line: lines.length, column: lines.at(-1)!.length + 1}
}

/** Start offset of the value at a JSON pointer (JSON is YAML, so the YAML parser gives ranges). */
function pointerOffset(text: string, path: readonly string[]): number | undefined {
  try {
    const doc = parseDocument(text)
    const keys = path.map((p) => (/^\d+$/.test(p) ? Number(p) : p))
    for (let n = keys.length; n > 0; n--) {
      const node = doc.getIn(keys.slice(0, n), true)
      if (isNode(node) && node.range) return node.range[0]
    }
  } catch {
    // No position then: the message still names the pointer.
  }
  return undefined
}

/**
 * The registry refused the schema text (42201): one diagnostic naming the subject, the manifest
 * position of the Schema resource and the schema file with the parser's position when known.
 */
export function invalidSchemaDiagnostic(d: DesiredSubject, registryMessage: string, referenceHint?: string): Diagnostic {
  const file = schemaFilePath(d)
  const pos = positionInText(d.schema.schema, registryMessage)
  const manifest = d.schema.location ? `${d.schema.location.file}:${d.schema.location.line}:${d.schema.location.column}` : undefined
  const location: SourceLocation | undefined = file !== undefined
    ? {file, line: pos?.line ?? 1, column: pos?.column ?? 1}
    : d.schema.location
  const where = [manifest ? `declared at ${manifest}` : undefined, file ? `schema file ${file}${pos ? `:${pos.line}:${pos.column}` : ''}` : 'inline schema'].filter(Boolean).join(', ')
  return {
    severity: 'error', rule: 'schema-registry', resource: `Schema/${d.schema.name}`, ...(location ? {location} : {}),
    message: referenceHint === undefined
      ? `the registry rejects the ${d.schema.type} schema for subject ${d.state.subject} (${where}): ${registryMessage}`
      : `the ${d.schema.type} schema for subject ${d.state.subject} (${where}) ${registryMessage}`,
    hint: referenceHint ?? 'fix the schema text; the registry parses it with its own rules (error 42201)',
  }
}

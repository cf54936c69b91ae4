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
 * "position N" / "line L column C", protobufjs' "line L". Line and column are 1-based.
 */
export function positionInText(text: string, message: string): {line: number; column: number} | undefined {
  const lc = /line (\d+)(?: column (\d+))?/.exec(message)
  if (lc) return {line: Number(lc[1]), column: lc[2] === undefined ? 1 : Number(lc[2])}
  const pos = /position (\d+)/.exec(message)
  if (!pos) return undefined
  const before = text.slice(0, Number(pos[1]))
  const lines = before.split('\n')
  return {line: lines.length, column: lines.at(-1)!.length + 1}
}

/**
 * The registry refused the schema text (42201): one diagnostic naming the subject, the manifest
 * position of the Schema resource and the schema file with the parser's position when known.
 */
export function invalidSchemaDiagnostic(d: DesiredSubject, registryMessage: string): Diagnostic {
  const file = schemaFilePath(d)
  const pos = positionInText(d.schema.schema, registryMessage)
  const manifest = d.schema.location ? `${d.schema.location.file}:${d.schema.location.line}:${d.schema.location.column}` : undefined
  const location: SourceLocation | undefined = file !== undefined
    ? {file, line: pos?.line ?? 1, column: pos?.column ?? 1}
    : d.schema.location
  const where = [manifest ? `declared at ${manifest}` : undefined, file ? `schema file ${file}${pos ? `:${pos.line}:${pos.column}` : ''}` : 'inline schema'].filter(Boolean).join(', ')
  return {
    severity: 'error', rule: 'schema-registry', resource: `Schema/${d.schema.name}`, ...(location ? {location} : {}),
    message: `the registry rejects the ${d.schema.type} schema for subject ${d.state.subject} (${where}): ${registryMessage}`,
    hint: 'fix the schema text; the registry parses it with its own rules (error 42201)',
  }
}

import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import type {Diagnostic, SourceLocation} from '../errors.js'
import {positionInText} from '../schemas/invalid-schema.js'
import {locate} from './parse-positions.js'
import type {ParsedDoc} from './parse-yaml.js'
import type {Resource} from './resource.js'
import {schemaTextProblem} from './schema-text-check.js'

/** `${var:` not escaped as `$${`: a schema file path that only an environment can complete. */
const VARIABLE_REFERENCE = /(?<!\$)\$\{var:/

export function dependsOnVariables(file: unknown): boolean {
  return typeof file === 'string' && VARIABLE_REFERENCE.test(file)
}

/** A Schema's text: inline, or read from `file` relative to `dir` (the manifest's directory); problems go to `diags`. */
export function loadSchemaText(pd: ParsedDoc, spec: {file?: string; schema?: string}, dir: string, resource: string, diags: Diagnostic[]): string | undefined {
  if (spec.file !== undefined && spec.schema !== undefined) {
    diags.push({severity: 'error', rule: 'schema-source', resource, location: locate(pd, ['spec', 'schema'], {key: true}),
      message: 'a Schema has either "file" or inline "schema", not both', hint: 'remove one of the two keys'})
    return undefined
  }
  if (spec.schema !== undefined) return spec.schema
  if (spec.file === undefined) {
    diags.push({severity: 'error', rule: 'schema-source', resource, location: locate(pd, ['spec'], {key: true}),
      message: 'a Schema needs "file" or inline "schema"', hint: 'add file: path/to/schema.avsc (relative to this manifest)'})
    return undefined
  }
  const abs = path.resolve(dir, spec.file)
  if (!existsSync(abs)) {
    diags.push({severity: 'error', rule: 'schema-source', resource, location: locate(pd, ['spec', 'file']),
      message: `schema file ${spec.file} not found`, hint: `paths are relative to the manifest's directory (${path.posix.dirname(pd.file)})`})
    return undefined
  }
  return readFileSync(abs, 'utf8')
}

/** Adds an error when a Schema resource's text does not parse: at the position in its file when the parser gives one. */
export function checkSchemaText(r: Resource, text: string, diags: Diagnostic[]): void {
  const spec = r.spec as {type: 'AVRO' | 'JSON' | 'PROTOBUF'; file?: string; references?: unknown[]}
  // References cut from a schema-invalid document still exist: their types must not read as undefined.
  const hasReferences = (spec.references ?? []).length > 0 || (r.doc.cut ?? []).some((p) => p === 'spec/references' || p.startsWith('spec/references/'))
  const problem = schemaTextProblem(spec.type, text, hasReferences)
  if (!problem) return
  const key = locate(r.doc, spec.file !== undefined ? ['spec', 'file'] : ['spec', 'schema'])
  // A schema file's error points into that file (where the parser says), the manifest's key is named beside it.
  const inFile = spec.file === undefined ? undefined : schemaFileLocation(key?.file, spec.file, text, problem)
  diags.push({severity: 'error', rule: 'schema-text', resource: `Schema/${r.name}`, location: inFile ?? key,
    message: `${spec.type} schema ${spec.file ?? '(inline)'} does not parse: ${problem}${inFile && key ? ` (declared at ${key.file}:${key.line}:${key.column})` : ''}`,
    hint: spec.type === 'AVRO' ? 'check the Avro schema (type names, fields, defaults)' : spec.type === 'JSON' ? 'the file must be valid JSON' : 'check the .proto syntax'})
}

/** file:line:col inside a schema file, when the parser's message gives a position. */
function schemaFileLocation(manifest: string | undefined, file: string, text: string, problem: string): SourceLocation | undefined {
  const pos = positionInText(text, problem)
  if (!pos) return undefined
  const dir = manifest !== undefined && manifest.includes('/') ? manifest.slice(0, manifest.lastIndexOf('/') + 1) : ''
  return {file: file.startsWith('/') ? file : `${dir}${file}`, line: pos.line, column: pos.column}
}

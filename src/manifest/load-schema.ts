import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {createDocValidator, type DocValidator} from './schema-validate.js'

/** schema/ sits two levels above this file both in src/manifest and in dist/manifest. */
export const SCHEMA_PATH = fileURLToPath(new URL('../../schema/streamctl.schema.json', import.meta.url))

let cached: DocValidator | undefined

export function manifestSchema(): object {
  return JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object
}

export function docValidator(): DocValidator {
  cached ??= createDocValidator(manifestSchema())
  return cached
}

import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {DiagnosticsError, formatDiagnostic} from '../../../src/errors.js'
import {loadManifests, resolveEnvironment} from '../../../src/manifest/index.js'

const dir = mkdtempSync(path.join(tmpdir(), 'streamctl-schema-var-'))
if (process.env.DEBUG_DIR) console.log(dir)
afterAll(() => { if (!process.env.DEBUG_DIR) rmSync(dir, {recursive: true, force: true}) })

const env = (name: string, tier: string) => `apiVersion: streamctl/v1\nkind: Environment\nmetadata: {name: ${name}}\nspec:\n  kafka: {bootstrap: ['${name}:9092']}\n  variables: {tier: ${tier}, base: schemas}\n`
const avro = (field: string) => JSON.stringify({type: 'record', name: 'Order', fields: [{name: field, type: 'string'}]})

describe('a Schema file path that names variables', () => {
  for (const tier of ['dev', 'prod']) {
    mkdirSync(path.join(dir, 'schemas', tier), {recursive: true})
    writeFileSync(path.join(dir, 'schemas', tier, 'orders.avsc'), avro(`${tier}_id`))
  }
  writeFileSync(path.join(dir, 'm.yaml'), [env('local', 'dev'), env('prod', 'prod'), env('broken', "'${var:nope}'"),
    'apiVersion: streamctl/v1\nkind: Schema\nmetadata: {name: orders}\nspec: {subject: orders-value, type: AVRO, file: "${var:base}/${var:tier}/orders.avsc"}\n'].join('---\n'))

  it('reads the file each environment names', async () => {
    const set = await loadManifests([dir])
    for (const [name, tier] of [['local', 'dev'], ['prod', 'prod']] as const) {
      const [schema] = resolveEnvironment(set, name).schemas
      expect(schema?.file).toBe(`schemas/${tier}/orders.avsc`)
      expect(JSON.parse(schema!.schema).fields[0].name).toBe(`${tier}_id`)
      expect(resolveEnvironment(set, name).cluster.subjects[0]?.schema).toBe(schema!.schema)
    }
  })

  it('an unresolvable variable is one error at the field, not also a missing file', async () => {
    const set = await loadManifests([dir])
    const err = (() => { try { resolveEnvironment(set, 'broken'); return undefined } catch (e) { return e } })()
    expect(err).toBeInstanceOf(DiagnosticsError)
    const lines = (err as DiagnosticsError).diagnostics.map(formatDiagnostic)
    expect(lines.join('\n')).toMatch(/variable nope is not defined/)
    expect(lines.join('\n')).not.toMatch(/not found/)
  })
})

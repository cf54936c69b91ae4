import {rmSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningRegistry} from '../../../src/registry/server.js'
import {streamctl} from '../dev/cli.js'
import {singleCluster, uniquePrefix} from '../harness.js'
import {call, testRegistry} from '../registry/helpers.js'
import {writeTree} from './estate.js'

const cluster = singleCluster()
const record = (fields: object[]) => JSON.stringify({type: 'record', name: 'User', namespace: 'it.transitive', fields}, null, 2)
// v2 drops `email`; v3 brings it back as a long with a default: it reads v2's data, not v1's.
const V1 = record([{name: 'id', type: 'long'}, {name: 'email', type: 'string'}])
const V2 = record([{name: 'id', type: 'long'}])
const V3 = record([{name: 'id', type: 'long'}, {name: 'email', type: 'long', default: 0}])

/**
 * `*_TRANSITIVE` levels through plan/apply, on a registry of its own (a fresh log topic on the
 * suite's cluster): a new version is judged against every live version, and a conflict names the
 * level and the version.
 */
describe('transitive compatibility levels in plan', () => {
  const subject = `${uniquePrefix('transitive')}users-value`
  let reg: RunningRegistry & {topic: string}
  let dir: string
  const files = (level: string, schema: string): Record<string, string> => ({
    'env.yaml': `apiVersion: streamctl/v1
kind: Environment
metadata: {name: it-transitive}
spec:
  kafka: {bootstrap: [${cluster.bootstrap.join(', ')}]}
  registry: {url: '${reg.url}'}
`,
    'schemas.yaml': `apiVersion: streamctl/v1
kind: Schema
metadata: {name: users}
spec:
  subject: ${subject}
  type: AVRO
  file: users.avsc
  compatibility: ${level}
`,
    'users.avsc': schema,
  })
  const run = (args: string[]) => streamctl([...args, '-e', 'it-transitive', '-f', dir])
  beforeAll(async () => {
    reg = await testRegistry()
  })
  afterAll(async () => {
    await reg?.close()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('blocks a version incompatible with an older live version under BACKWARD_TRANSITIVE, naming the level and that version', async () => {
    dir = writeTree(undefined, files('BACKWARD_TRANSITIVE', V1))
    expect((await run(['apply', '--auto-approve'])).code).toBe(0)
    writeTree(dir, files('BACKWARD_TRANSITIVE', V2))
    const second = await run(['apply', '--auto-approve'])
    expect(second.code, second.stderr).toBe(0)
    expect((await call(reg.url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2])

    writeTree(dir, files('BACKWARD_TRANSITIVE', V3))
    const p = await run(['plan', '--json'])
    expect(p.code, p.stderr).toBe(1)
    const plan = JSON.parse(p.stdout)
    const blocked = plan.blocked.find((b: {resource: string}) => b.resource === `Subject/${subject}`)
    expect(blocked?.kind).toBe('schema.incompatible')
    expect(blocked?.reason).toMatch(new RegExp(`not BACKWARD_TRANSITIVE-compatible with version 1 of ${subject.replace(/\./g, '\\.')}: field 'email': type changed from string to long`))
    expect(blocked?.reason).not.toMatch(/version 2/)
    expect(plan.actions.map((a: {id: string}) => a.id)).not.toContain(`schema.register:${subject}`)

    const text = await run(['plan'])
    expect(text.code).toBe(1)
    expect(text.stdout).toContain('BACKWARD_TRANSITIVE')
    const a = await run(['apply', '--auto-approve'])
    expect(a.code).toBe(1)
    expect((await call(reg.url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2])

    const check = await run(['schema', 'check'])
    expect(check.code).toBe(1)
    expect(check.stdout).toMatch(/BACKWARD_TRANSITIVE incompatible with version 1/)
  })

  it('plans and applies the same version under BACKWARD (the latest version only)', async () => {
    writeTree(dir, files('BACKWARD', V3))
    const p = await run(['plan', '--json', '--detailed-exitcode'])
    expect(p.code, p.stderr).toBe(2)
    const ids = JSON.parse(p.stdout).actions.map((a: {id: string}) => a.id)
    expect(ids).toEqual(expect.arrayContaining([`schema.compatibility.set:${subject}`, `schema.register:${subject}`]))
    const a = await run(['apply', '--auto-approve'])
    expect(a.code, a.stderr).toBe(0)
    expect((await call(reg.url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2, 3])
    expect((await run(['plan', '--detailed-exitcode'])).code).toBe(0)
  })
})

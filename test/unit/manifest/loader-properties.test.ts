import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'
import {DiagnosticsError} from '../../../src/errors.js'
import {checkManifests} from '../../../src/manifest/check-manifests.js'
import {loadManifests} from '../../../src/manifest/index.js'
import {topicNameProblem} from '../../../src/manifest/topic-names.js'

/**
 * Generative tests of the manifest loader: whatever the text (garbage bytes, random YAML
 * structures, real manifests with random edits, ${...} anywhere, deep nesting, duplicate keys,
 * anchors and aliases), loading and checking either succeed or throw one DiagnosticsError whose
 * every diagnostic points at a file:line:col inside the input. Fixed seed (FC_SEED overrides),
 * bounded runs; a failure prints the seed and the shrunk counterexample.
 */
const SEED = Number(process.env.FC_SEED ?? 17017)
const RUNS = Number(process.env.FC_RUNS ?? 100)
console.log(`loader properties: fast-check seed ${SEED}, ${RUNS} runs per property (FC_SEED / FC_RUNS to change)`)

const root = mkdtempSync(path.join(tmpdir(), 'streamctl-loader-prop-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
let n = 0

const EXAMPLES = path.resolve(import.meta.dirname, '../../../manifests/examples')
const ENVIRONMENTS = readFileSync(path.join(EXAMPLES, 'environments.yaml'), 'utf8')
const ORDERS = readFileSync(path.join(EXAMPLES, 'topics-orders.yaml'), 'utf8')
const SERVICES = readFileSync(path.join(EXAMPLES, 'services.yaml'), 'utf8')

/** Runs loading and the full offline check on the files; returns what went wrong, if anything. */
async function judge(files: Record<string, string>): Promise<string | undefined> {
  const dir = path.join(root, String(n++))
  const {mkdirSync} = await import('node:fs')
  mkdirSync(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text)
  const lines = Object.fromEntries(Object.entries(files).map(([f, t]) => [f, t.split(/\r\n|\r|\n/).length]))
  for (const run of [
    async () => { await loadManifests(['.'], {cwd: dir, env: {}}) },
    async () => {
      // What resolves is fully resolved: every topic name is one Kafka accepts.
      for (const {desired} of (await checkManifests({files: ['.'], cwd: dir, processEnv: {}})).environments) {
        for (const t of desired.cluster.topics) if (topicNameProblem(t.name)) throw new Error(`resolved to an illegal topic name ${JSON.stringify(t.name)}`)
      }
    },
  ]) {
    try {
      await run()
    } catch (e) {
      if (!(e instanceof DiagnosticsError)) {
        // A whole-set problem without a place (no Environment at all) is the one other outcome.
        if (e instanceof Error && 'code' in e && (e.code === 'ENV_NOT_FOUND' || e.code === 'USAGE') && !Object.values(files).some((t) => /kind:\s*Environment/.test(t) && t === ENVIRONMENTS)) continue
        return `threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack}` : String(e)}`
      }
      if (e.diagnostics.length === 0) return 'DiagnosticsError without diagnostics'
      for (const d of e.diagnostics) {
        const l = d.location
        if (!l) return `diagnostic without a location: ${JSON.stringify(d)}`
        const max = lines[l.file]
        if (max === undefined) return `diagnostic in an unknown file ${l.file}: ${JSON.stringify(d)}`
        if (!(l.line >= 1 && l.line <= max && l.column >= 1)) return `diagnostic outside the file (${max} lines): ${JSON.stringify(d)}`
        if (!d.message || !d.rule) return `diagnostic without message or rule: ${JSON.stringify(d)}`
      }
    }
  }
  return undefined
}

const TOKENS = [
  '{', '}', '[', ']', ':', ': ', ', ', '- ', '\n', '\n  ', '\n    ', '  ', '\t', '"', "'", '#', '|', '>', '? ', '!', '!!str ', '!!binary ',
  '&a ', '*a', '&b ', '*b', '<<: *a', '<<: ', '---\n', '...\n', '%YAML 1.1\n', '%TAG ! tag:x,2000:\n',
  '${', '$${', '}', '${var:domain}', '${var:nope}', '${env:HOME}', '${env:NOPE}', '${file:nope}', '${file:../m.yaml}', '${var:}', '${foo:bar}',
  'apiVersion: streamctl/v1', 'kind: Topic', 'kind: Environment', 'kind: Service', 'kind: Acl', 'kind: Schema', 'kind: Job', 'kind: Policy',
  'metadata:', 'name: ', 'shop.orders.v1', 'spec:', 'owner: ', 'policy: table', 'partitions: ', '-1', '0', '3', '1e400', '9223372036854775808',
  'config:', 'retention.ms: ', 'cleanup.policy: compact', 'produces: ', 'consumes: ', 'grants: ', 'variables:', 'null', '~', 'true', '__proto__: ',
  'constructor: ', 'é', '\u0000', '\uFEFF', '\r\n', '😀',
]

const garbageText = fc.oneof(
  fc.string({unit: 'binary', maxLength: 300}),
  fc.array(fc.constantFrom(...TOKENS), {maxLength: 80}).map((t) => t.join('')),
  fc.uint8Array({maxLength: 300}).map((b) => Buffer.from(b).toString('latin1')),
)

/** Random edits of a real manifest: cut a range, or insert tokens, at random places. */
const edited = (text: string) => fc.array(fc.record({at: fc.nat(text.length), cut: fc.nat(12), insert: fc.array(fc.constantFrom(...TOKENS), {maxLength: 3})}), {minLength: 1, maxLength: 6})
  .map((edits) => edits.reduce((t, e) => t.slice(0, Math.min(e.at, t.length)) + e.insert.join('') + t.slice(Math.min(e.at, t.length) + e.cut), text))

const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'spec', 'owner', 'policy', 'partitions', 'replicationFactor', 'config', 'retention.ms',
  'produces', 'consumes', 'topic', 'groups', 'principal', 'grants', 'variables', 'overrides', 'local', 'labels', 'description', 'keySchema', 'valueSchema',
  'subject', 'type', 'schema', 'file', 'rules', 'source', 'target', 'options', 'kafka', 'bootstrap', 'cluster', 'prune', 'protect', '__proto__', 'x']
const scalar = fc.oneof(
  fc.constantFrom('streamctl/v1', 'Topic', 'Service', 'Environment', 'Schema', 'Acl', 'Job', 'Policy', 'dev', 'table', 'stream', 'AVRO', 'shop.orders.v1',
    'orders-service', '${var:domain}.orders.v1', '$${var:domain}', '${env:NOPE}', '${var:nope}', '${', 'local', '-1', ''),
  fc.string({maxLength: 12}), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
)
const tree = fc.letrec((tie) => ({
  node: fc.oneof({depthSize: 'small', withCrossShrink: true}, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), {maxLength: 4}),
  map: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), {maxKeys: 6}),
})).node
const envelope = fc.record({
  apiVersion: fc.constantFrom('streamctl/v1', 'streamctl/v2'),
  kind: fc.constantFrom('Topic', 'Service', 'Environment', 'Schema', 'Acl', 'Job', 'Policy', 'Nope'),
  metadata: fc.record({name: scalar}, {requiredKeys: []}),
  spec: tree,
}, {requiredKeys: ['kind']})
const structuredDocs = fc.array(fc.oneof(envelope, tree), {minLength: 1, maxLength: 4}).map((docs) => docs.map((d) => stringify(d)).join('---\n'))

const deepNesting = fc.record({depth: fc.integer({min: 20, max: 3000}), kind: fc.constantFrom('flow', 'block', 'mixed')}).map(({depth, kind}) => {
  if (kind === 'flow') return `apiVersion: streamctl/v1\nkind: Topic\nmetadata: {name: a.b.v1}\nspec: ${'['.repeat(depth)}${']'.repeat(depth)}\n`
  if (kind === 'block') return `spec:\n${Array.from({length: Math.min(depth, 400)}, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')} 1\n`
  return `a: ${'{x: ['.repeat(depth)}${'1]}'.repeat(depth)}\n`
})

const aliases = fc.record({width: fc.integer({min: 1, max: 12}), levels: fc.integer({min: 1, max: 5})}).map(({width, levels}) => {
  let text = 'l0: &l0 [x]\n'
  for (let i = 1; i <= levels; i++) text += `l${i}: &l${i} [${Array.from({length: width}, () => `*l${i - 1}`).join(', ')}]\n`
  return `${text}apiVersion: streamctl/v1\nkind: Topic\nmetadata: {name: a.b.v1}\nspec: {config: *l${levels}}\n`
})

const duplicateKeys = fc.array(fc.constantFrom('name', 'kind', 'spec', 'owner', 'partitions'), {minLength: 2, maxLength: 6})
  .map((keys) => `apiVersion: streamctl/v1\nkind: Topic\nmetadata:\n${keys.map((k) => `  ${k}: v`).join('\n')}\nspec:\n${keys.map((k) => `  ${k}: 1`).join('\n')}\n`)

const params = {seed: SEED, numRuns: RUNS, endOnFailure: true}
const prop = (arb: fc.Arbitrary<Record<string, string>>) => fc.assert(fc.asyncProperty(arb, async (files) => {
  const problem = await judge(files)
  if (problem) throw new Error(problem)
}), params)

describe('manifest loader properties', {timeout: 120_000}, () => {
  it('garbage text yields located diagnostics only', () => prop(garbageText.map((t) => ({'m.yaml': t})))) 
  it('random documents (any structure, ${...} anywhere) yield located diagnostics only', () => prop(structuredDocs.map((t) => ({'env.yaml': ENVIRONMENTS, 'm.yaml': t}))))
  it('real manifests with random edits yield located diagnostics only', () => prop(fc.tuple(edited(ORDERS), edited(SERVICES)).map(([o, s]) => ({'env.yaml': ENVIRONMENTS, 'orders.yaml': o, 'services.yaml': s}))))
  it('deep nesting, alias fan-out and duplicate keys yield located diagnostics only', () => prop(fc.oneof(deepNesting, aliases, duplicateKeys).map((t) => ({'env.yaml': ENVIRONMENTS, 'm.yaml': t}))))
  it('an edited Environment file yields located diagnostics only', () => prop(edited(ENVIRONMENTS).map((e) => ({'env.yaml': e, 'orders.yaml': ORDERS}))))
})

// The judge itself must be able to fail: an unlocated diagnostic is caught.
describe('the judge', () => {
  it('accepts a clean estate and a located error', async () => {
    expect(await judge({'env.yaml': ENVIRONMENTS, 'orders.yaml': ORDERS.replace('owner: orders', 'owner: nobody')})).toBeUndefined()
  })
})

import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {globSync} from 'tinyglobby'
import {describe, expect, it} from 'vitest'
import {TOPIC_CONFIG_KEYS} from '../../../src/manifest/kafka-topic-configs.js'
import {manifestSchema} from '../../../src/manifest/load-schema.js'
import {parseManifestText} from '../../../src/manifest/parse-yaml.js'
import {createDocValidator} from '../../../src/manifest/schema-validate.js'

const root = path.resolve(import.meta.dirname, '../../..')
const validate = createDocValidator(manifestSchema())

describe('schema/streamctl.schema.json', () => {
  it('completes exactly the Kafka topic configs the validator knows', () => {
    const props = Object.keys((manifestSchema() as any).definitions.config.properties).sort()
    expect(props).toEqual([...TOPIC_CONFIG_KEYS].sort())
  })
  const examples = globSync('manifests/examples/**/*.yaml', {cwd: root})
  it('finds the examples', () => expect(examples.length).toBeGreaterThanOrEqual(5))
  for (const file of examples) {
    it(`accepts ${file}`, () => {
      const text = readFileSync(path.join(root, file), 'utf8')
      expect(text.startsWith('# yaml-language-server: $schema=../../schema/streamctl.schema.json')).toBe(true)
      const parsed = parseManifestText(file, text)
      expect(parsed.diagnostics).toEqual([])
      for (const d of parsed.docs) expect(validate(d)).toEqual([])
    })
  }
  // Every corpus case whose golden reports a [schema] error must be rejected by the schema itself.
  const bad = path.join(root, 'test/fixtures/manifests/bad')
  for (const c of readdirSync(bad).filter((c) => readFileSync(path.join(bad, c, 'expected.txt'), 'utf8').includes('[schema]'))) {
    it(`rejects bad/${c}`, () => {
      const problems = globSync('*.yaml', {cwd: path.join(bad, c)}).flatMap((f) =>
        parseManifestText(f, readFileSync(path.join(bad, c, f), 'utf8')).docs.flatMap((d) => validate(d)))
      expect(problems.length).toBeGreaterThan(0)
    })
  }
})

import {describe, expect, it} from 'vitest'
import {checkTopicConfigValue, TOPIC_CONFIGS} from '../../../src/manifest/kafka-topic-configs.js'
import {substitute} from '../../../src/manifest/interpolate.js'
import {locate, pointerToPath} from '../../../src/manifest/parse-positions.js'
import {parseManifestText} from '../../../src/manifest/parse-yaml.js'
import {collisionKey, topicNameProblem} from '../../../src/manifest/topic-names.js'

describe('parse-yaml + positions', () => {
  it('maps a path to the 1-based line and column of the node or key', () => {
    const p = parseManifestText('f.yaml', 'a: 1\n---\nspec:\n  config:\n    retention.ms: 5\n')
    expect(p.docs).toHaveLength(2)
    expect(locate(p.docs[1]!, ['spec', 'config', 'retention.ms'])).toEqual({file: 'f.yaml', line: 5, column: 19})
    expect(locate(p.docs[1]!, ['spec', 'config', 'retention.ms'], {key: true})).toEqual({file: 'f.yaml', line: 5, column: 5})
    expect(locate(p.docs[1]!, ['spec', 'missing', 'deeper'])).toEqual({file: 'f.yaml', line: 4, column: 3})
    expect(pointerToPath('/a~1b/0')).toEqual(['a/b', '0'])
  })
  it('leaves out a document with a syntax error, keeps the others, and never echoes the line', () => {
    const p = parseManifestText('f.yaml', 'ok: 1\n---\npassword: "s3cr3t\nmore: 2\n')
    expect(p.docs.map((d) => d.value)).toEqual([{ok: 1}])
    // Located at the opening quote, not where yaml gave up.
    expect(p.diagnostics.map((d) => d.location)).toEqual([{file: 'f.yaml', line: 3, column: 11}])
    expect(JSON.stringify(p.diagnostics)).not.toContain('s3cr3t')
  })
  it('locates an unclosed flow collection at its bracket', () => {
    const p = parseManifestText('f.yaml', 'a: 1\nb: {x: [1, {y: 2}\nc: 2\n')
    expect(p.diagnostics.map((d) => `${d.location!.line}:${d.location!.column}`).sort()).toEqual(['2:4', '2:8'])
  })
  it('turns alias trouble into located diagnostics', () => {
    for (const text of ['a: 1\nb: *nope\n', 'a: &a [*a]\n', 'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n']) {
      const p = parseManifestText('f.yaml', text)
      expect(p.docs).toEqual([])
      expect(p.diagnostics).toHaveLength(1)
      expect(p.diagnostics[0]!.location!.line).toBeGreaterThanOrEqual(1)
    }
  })
})

describe('interpolate', () => {
  it('substitutes env, keeps var and escapes for the final stage, which unescapes once', () => {
    const r = substitute('${env:A}-${var:B}-$${x}', {env: (n) => ({A: 'a'})[n]})
    expect(r.value).toBe('a-${var:B}-$${x}')
    expect(r.problems).toEqual([])
    // A substituted value is a literal: its ${ is escaped so the final stage does not read it.
    const e = substitute('${env:A}', {env: () => '${var:B}'})
    expect(e.value).toBe('$${var:B}')
    expect(substitute(e.value, {var: () => 'no'}, {final: true}).value).toBe('${var:B}')
    const f = substitute(r.value, {var: (n) => ({B: 'b'})[n]}, {final: true, handled: ['env']})
    expect(f).toMatchObject({value: 'a-b-${x}', problems: []})
    expect(substitute('${oops', {}, {final: true}).problems).toEqual([{scheme: 'syntax', name: '${'}])
    expect(substitute('${var:X}', {}, {final: true}).problems).toEqual([{scheme: 'unavailable', name: '${var:X}'}])
    expect(substitute('${env:PW}', {env: () => 'x'}).origin).toBe('env:PW')
    expect(substitute('${env:NOPE}', {env: () => undefined}).problems).toEqual([{scheme: 'env', name: 'NOPE'}])
  })
})

describe('kafka topic configs', () => {
  it('knows Kafka 4.x defaults and ranges', () => {
    expect(TOPIC_CONFIGS['retention.ms']!.default).toBe('604800000')
    expect(TOPIC_CONFIGS['segment.bytes']!.min).toBe('1048576')
    expect(checkTopicConfigValue('retention.ms', '-1')).toBeUndefined()
    expect(checkTopicConfigValue('retention.ms', '-2')).toMatch(/out of range/)
    expect(checkTopicConfigValue('flush.ms', '9223372036854775808')).toMatch(/64-bit/)
    expect(checkTopicConfigValue('cleanup.policy', 'compact,delete')).toBeUndefined()
    expect(checkTopicConfigValue('compression.gzip.level', '-1')).toBeUndefined()
    expect(checkTopicConfigValue('compression.gzip.level', '0')).toMatch(/out of range/)
    expect(checkTopicConfigValue('message.downconversion.enable', 'true')).toMatch(/unknown/)
  })
})

describe('topic names', () => {
  it('applies the broker rules', () => {
    expect(topicNameProblem('shop.orders.v1')).toBeUndefined()
    expect(topicNameProblem('a'.repeat(249))).toBeUndefined()
    expect(topicNameProblem('a'.repeat(250))).toBeDefined()
    expect(topicNameProblem('.')).toBeDefined()
    expect(topicNameProblem('a b')).toBeDefined()
    expect(collisionKey('a.b_c')).toBe(collisionKey('a_b.c'))
  })
})

describe('parse-yaml values', () => {
  it('keeps 64-bit integers exact and supports merge keys', () => {
    const p = parseManifestText('f.yaml', 'base: &b {retention.ms: 9223372036854775807}\nconfig:\n  <<: *b\n  segment.ms: 60000\n')
    expect((p.docs[0]!.value as any).config).toEqual({'retention.ms': '9223372036854775807', 'segment.ms': 60000})
    expect(checkTopicConfigValue('retention.ms', '9223372036854775807')).toBeUndefined()
  })
})

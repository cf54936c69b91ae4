import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {KAFKAJS_VERSION} from '../../../src/cluster/kafkajs-internals.js'

const SRC = fileURLToPath(new URL('../../../src', import.meta.url))
const SEAM = 'cluster/kafkajs-internals.ts'

function sources(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

describe('the kafkajs seam', () => {
  it('only src/cluster/kafkajs-internals.ts reaches into kafkajs internals', () => {
    const reaching = sources(SRC).filter((f) => relative(SRC, f) !== SEAM && /['"]kafkajs\/src\//.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f))
    expect(reaching).toEqual([])
  })

  it('package.json pins kafkajs to exactly the version the seam checks at load', () => {
    const pkg = JSON.parse(readFileSync(join(SRC, '..', 'package.json'), 'utf8')) as {dependencies: Record<string, string>}
    expect(pkg.dependencies.kafkajs).toBe(KAFKAJS_VERSION)
  })
})

/** Bad input to `dev up`: each a clear error with a hint, a non-zero exit, and nothing left behind. */
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {javaPidsUnder, streamctl} from './cli.js'

const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-bad-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('dev up refuses bad input cleanly', () => {
  it('Java missing from PATH → PREREQUISITE_MISSING, data dir not even created', async () => {
    const bin = join(dir, 'bin-without-java')
    mkdirSync(bin)
    symlinkSync(process.execPath, join(bin, 'node'))
    const dataDir = join(dir, 'nojava')
    const r = await streamctl(['dev', 'up', '--data-dir', dataDir, '--json'], {env: {PATH: bin}})
    expect(r.code).toBe(1)
    const out = JSON.parse(r.stdout) as {error: {code: string; message: string; hint: string}}
    expect(out.error.code).toBe('PREREQUISITE_MISSING')
    expect(out.error.message).toContain('Java was not found')
    expect(out.error.hint).toMatch(/JDK 17/)
    expect(existsSync(dataDir)).toBe(false)
  })

  it('unknown --kafka-version → usage error (exit 2) naming the supported lines', async () => {
    const r = await streamctl(['dev', 'up', '--data-dir', join(dir, 'v'), '--kafka-version', '2.8.0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown --kafka-version "2.8.0"')
    expect(r.stderr).toMatch(/hint: .*3\.9.*4\.4/)
    expect(existsSync(join(dir, 'v'))).toBe(false)
  })

  it('a well-formed version that Maven Central does not have → clear error, no cache or data left', async () => {
    const cache = join(dir, 'cache')
    const r = await streamctl(['dev', 'up', '--data-dir', join(dir, 'v2'), '--kafka-version', '4.4.99'], {env: {STREAMCTL_CACHE: cache}})
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('Apache Kafka 4.4.99 could not be resolved from Maven Central')
    expect(existsSync(join(cache, 'kafka', '4.4.99'))).toBe(false)
    expect(existsSync(join(dir, 'v2'))).toBe(false)
  })

  it('unwritable data dir → clear error', async () => {
    writeFileSync(join(dir, 'a-file'), 'x')
    const r = await streamctl(['dev', 'up', '--data-dir', join(dir, 'a-file', 'dev')])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/data dir .*a-file\/dev is not writable/)
    expect(r.stderr).toContain('hint:')
  })

  it('a data dir with node directories but no state → refused, nothing started', async () => {
    const d = join(dir, 'orphan')
    mkdirSync(join(d, 'node-1'), {recursive: true})
    const r = await streamctl(['dev', 'up', '--data-dir', d])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('holds Kafka node directories but no state.json')
    expect(readdirSync(d)).toEqual(['node-1'])
    expect(javaPidsUnder(d)).toEqual([])
  })

  it('status / logs / down of a missing cluster', async () => {
    const d = join(dir, 'none')
    const st = await streamctl(['dev', 'status', '--data-dir', d])
    expect(st.code).toBe(1)
    expect(st.stderr).toContain(`no dev cluster in ${d}`)
    const down = await streamctl(['dev', 'down', '--data-dir', d])
    expect(down.code).toBe(0)
    expect(down.stdout).toContain('no dev cluster')
  })
})

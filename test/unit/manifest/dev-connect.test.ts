import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {DiagnosticsError} from '../../../src/errors.js'
import {loadEnvironment} from '../../../src/manifest/check-manifests.js'

const dirs: string[] = []
afterAll(() => { for (const d of dirs) rmSync(d, {recursive: true, force: true}) })

function estate(dev: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamctl-dev-connect-'))
  dirs.push(dir)
  writeFileSync(path.join(dir, 'm.yaml'), `apiVersion: streamctl/v1\nkind: Environment\nmetadata: {name: local}\nspec:\n  cluster: dev\n  dev: ${dev}\n`)
  return dir
}

describe('Environment dev.connect', () => {
  it('`dev: {connect: true}` asks for the dev Connect worker; absent, it is not asked for', async () => {
    const on = await loadEnvironment(['.'], 'local', {cwd: estate('{connect: true}'), processEnv: {}})
    expect(on.environment.dev).toMatchObject({brokers: 1, secure: false, connect: true})
    const off = await loadEnvironment(['.'], 'local', {cwd: estate('{brokers: 3}'), processEnv: {}})
    expect(off.environment.dev?.connect).toBeUndefined()
  })

  it('a non-boolean connect is a schema error at its line and column', async () => {
    const err = await loadEnvironment(['.'], 'local', {cwd: estate('{connect: yes-please}'), processEnv: {}}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DiagnosticsError)
    const d = (err as DiagnosticsError).diagnostics.find((x) => x.message.includes('connect'))
    expect(d, JSON.stringify((err as DiagnosticsError).diagnostics)).toBeDefined()
    expect(d!.location?.line).toBe(6)
    expect(d!.location?.column).toBeGreaterThan(1)
  })
})

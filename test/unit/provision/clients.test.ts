import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {CHROMIUM_INSTALL_HINT, KCAT_INSTALL_HINT, resolveChromium, resolveKcat, which, withDirLock} from '../../provision/clients.js'

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'streamctl-prov-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

describe('kcat resolution', () => {
  it('hidden from PATH and no install permitted: missing, saying how to install it', async () => {
    const r = await resolveKcat({env: {PATH: tmp()}, allowInstall: false})
    expect(r).toEqual({missing: `kcat is not on PATH; ${KCAT_INSTALL_HINT}`})
  })

  it('STREAMCTL_TEST_APT=0 forbids the apt-get install even as root', async () => {
    const r = await resolveKcat({env: {PATH: tmp(), STREAMCTL_TEST_APT: '0'}})
    expect('missing' in r).toBe(true)
  })

  it('an executable kcat on PATH is found by absolute path; a non-executable one is not', async () => {
    const a = tmp()
    const b = tmp()
    writeFileSync(join(a, 'kcat'), '#!/bin/sh\n')
    chmodSync(join(a, 'kcat'), 0o644)
    writeFileSync(join(b, 'kcat'), '#!/bin/sh\n')
    chmodSync(join(b, 'kcat'), 0o755)
    expect(which('kcat', {PATH: a})).toBeUndefined()
    expect(await resolveKcat({env: {PATH: `${a}:${b}`}, allowInstall: false})).toEqual({kcat: join(b, 'kcat')})
  })
})

describe('withDirLock', () => {
  it('runs parallel holders one at a time', async () => {
    const lock = join(tmp(), 'x.lock')
    let inside = 0
    let most = 0
    await Promise.all(Array.from({length: 5}, () => withDirLock(lock, async () => {
      inside++
      most = Math.max(most, inside)
      await new Promise((r) => setTimeout(r, 20))
      inside--
    })))
    expect(most).toBe(1)
  })

  it('breaks a lock whose owner died', async () => {
    const lock = join(tmp(), 'y.lock')
    mkdirSync(lock)
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'}).stdout
    writeFileSync(join(lock, 'pid'), dead)
    expect(await withDirLock(lock, async () => 'got it', {timeoutMs: 5_000})).toBe('got it')
  })
})

describe('chromium resolution', () => {
  it('hidden from PATH and no install permitted: missing, saying how to install it', async () => {
    expect(await resolveChromium({env: {PATH: tmp()}, allowInstall: false})).toEqual({missing: `chromium is not on PATH; ${CHROMIUM_INSTALL_HINT}`})
  })

  it('PUPPETEER_EXECUTABLE_PATH wins over PATH, and must be executable', async () => {
    const a = tmp()
    writeFileSync(join(a, 'chromium'), '#!/bin/sh\n')
    chmodSync(join(a, 'chromium'), 0o755)
    writeFileSync(join(a, 'other'), '#!/bin/sh\n')
    chmodSync(join(a, 'other'), 0o755)
    expect(await resolveChromium({env: {PATH: a}, allowInstall: false})).toEqual({chromium: join(a, 'chromium')})
    expect(await resolveChromium({env: {PATH: a, PUPPETEER_EXECUTABLE_PATH: join(a, 'other')}, allowInstall: false})).toEqual({chromium: join(a, 'other')})
    const r = await resolveChromium({env: {PATH: a, PUPPETEER_EXECUTABLE_PATH: join(a, 'nope')}, allowInstall: false})
    expect('missing' in r && r.missing).toMatch(/PUPPETEER_EXECUTABLE_PATH=.*nope is not an executable/)
  })
})

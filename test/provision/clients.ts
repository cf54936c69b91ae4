/**
 * The independent clients the integration tests judge streamctl with, provisioned by the test
 * command itself so that `npm test` passes on a machine that has only Node, Java and Maven:
 *
 * - a Python virtual environment with confluent-kafka (librdkafka bundled) from PyPI, created once
 *   under the streamctl cache and reused; a lock directory makes parallel setups safe, and a ready
 *   marker naming the requirement means a half-built or outdated environment is rebuilt;
 * - kcat from PATH, else installed with apt-get when that is permitted (root, non-interactive,
 *   STREAMCTL_TEST_APT not 0), else reported missing with how to install it (its checks skip);
 * - chromium the same way, for the test that renders `streamctl graph`'s Mermaid text with
 *   @mermaid-js/mermaid-cli (puppeteer's own browser download cannot work here: it drives Debian's).
 *
 * Plain Node (no vitest): global-setup.ts calls it, and `node --import tsx test/provision/cli.ts`
 * runs it alone.
 */
import {execFile} from 'node:child_process'
import {accessSync, constants, existsSync, readFileSync} from 'node:fs'
import {mkdir, rm, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {delimiter, join} from 'node:path'

/**
 * What the tests' Python code imports: the Avro and Schema Registry extras are used by test/python;
 * lz4, zstandard and cramjam (snappy) are the reference decoders that judge what streamctl compresses.
 */
export const PYTHON_PACKAGES = ['confluent-kafka[avro,schemaregistry,protobuf]==2.16.1', 'lz4==4.4.4', 'zstandard==0.23.0', 'cramjam==2.9.1'] as const
export const PYTHON_REQUIREMENT = PYTHON_PACKAGES.join(' ')

export const KCAT_INSTALL_HINT = 'install kcat (Debian/Ubuntu: `sudo apt-get install kcat`; macOS: `brew install kcat`) or run the tests as root, where the test setup installs it'

export const CHROMIUM_INSTALL_HINT = 'install Chromium (Debian: `sudo apt-get install chromium`) or run `npm run test:clients` as root, where it is installed; PUPPETEER_EXECUTABLE_PATH may name another Chromium'

export interface ProvisionedClients {
  /** The virtual environment's interpreter (never the system python3). */
  readonly python: string
  /** Absolute path of kcat, when there is one. */
  readonly kcat?: string
  /** Why kcat is absent and how to install it. */
  readonly kcatMissing?: string
  /** Absolute path of a Chromium for puppeteer, when there is one. */
  readonly chromium?: string
  /** Why Chromium is absent and how to install it. */
  readonly chromiumMissing?: string
}

export type Log = (line: string) => void

export function clientsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STREAMCTL_CACHE ?? join(homedir(), '.cache', 'streamctl')
}

interface Ran {
  code: number
  stdout: string
  stderr: string
}

function run(cmd: string, args: readonly string[], opts: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, {env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 600_000, maxBuffer: 16 * 1024 * 1024}, (err, stdout, stderr) => {
      const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : 127) : 0
      resolve({code, stdout, stderr: stderr || (err && code === 127 ? err.message : '')})
    }).stdin?.end()
  })
}

/** First executable `name` on the PATH of `env`. */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const file = join(dir, name)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch { /* not here */ }
  }
  return undefined
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * A lock directory (mkdir is atomic) holding the owner's pid; a lock whose owner is dead is
 * broken, so a setup killed half-way never blocks the next one.
 */
export async function withDirLock<T>(lockDir: string, fn: () => Promise<T>, opts: {timeoutMs?: number; log?: Log} = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000)
  let said = false
  for (;;) {
    try {
      await mkdir(lockDir)
      await writeFile(join(lockDir, 'pid'), String(process.pid))
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      let owner: number | undefined
      try { owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8')) } catch { /* being written */ }
      if (owner && !pidAlive(owner)) {
        await rm(lockDir, {recursive: true, force: true})
        continue
      }
      if (Date.now() > deadline) throw new Error(`${lockDir} is still held by pid ${owner ?? '?'}`)
      if (!said) opts.log?.(`waiting for ${lockDir} (held by pid ${owner ?? '?'})`)
      said = true
      await sleep(300)
    }
  }
  try {
    return await fn()
  } finally {
    await rm(lockDir, {recursive: true, force: true})
  }
}

export function pythonEnvDir(cacheDir = clientsCacheDir()): string {
  return join(cacheDir, 'pyenv')
}

const READY_MARKER = '.streamctl-ready'

function isRoot(): boolean {
  return process.getuid?.() === 0
}

function aptPermitted(env: NodeJS.ProcessEnv): boolean {
  return isRoot() && env.STREAMCTL_TEST_APT !== '0' && which('apt-get', env) !== undefined
}

let aptUpdated = false

async function aptInstall(packages: readonly string[], log: Log, env: NodeJS.ProcessEnv, cacheDir: string): Promise<Ran> {
  await mkdir(cacheDir, {recursive: true})
  // dpkg has its own lock and fails rather than waits: parallel setups take turns here.
  return withDirLock(join(cacheDir, 'apt.lock'), async () => {
    const aptEnv = {...env, DEBIAN_FRONTEND: 'noninteractive'}
    if (!aptUpdated) {
      log('apt-get update')
      await run('apt-get', ['update', '-qq'], {env: aptEnv})
      aptUpdated = true
    }
    log(`apt-get install ${packages.join(' ')}`)
    return run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {env: aptEnv})
  }, {log})
}

/** The venv's interpreter, building the venv first when it is missing, half-built or outdated. */
export async function ensurePythonEnv(opts: {cacheDir?: string; env?: NodeJS.ProcessEnv; log?: Log} = {}): Promise<string> {
  const env = opts.env ?? process.env
  const cacheDir = opts.cacheDir ?? clientsCacheDir(env)
  const log = opts.log ?? (() => undefined)
  const dir = pythonEnvDir(cacheDir)
  const python = join(dir, 'bin', 'python')
  const ready = () => existsSync(python) && readMarker(dir) === PYTHON_REQUIREMENT
  if (ready()) return python
  await mkdir(cacheDir, {recursive: true})
  return withDirLock(join(cacheDir, 'pyenv.lock'), async () => {
    if (ready()) return python
    await rm(dir, {recursive: true, force: true})
    const base = which('python3', env)
    let venv = base ? await run(base, ['-m', 'venv', dir], {env}) : {code: 127, stdout: '', stderr: 'python3 is not on PATH'}
    if (venv.code !== 0 && aptPermitted(env)) {
      // Debian splits venv/ensurepip out of python3.
      const apt = await aptInstall(['python3', 'python3-venv'], log, env, cacheDir)
      if (apt.code !== 0) throw new Error(`apt-get install python3 python3-venv failed: ${apt.stderr.trim().split('\n').slice(-3).join(' | ')}`)
      await rm(dir, {recursive: true, force: true})
      venv = await run(which('python3', env) ?? 'python3', ['-m', 'venv', dir], {env})
    }
    if (venv.code !== 0) {
      throw new Error(`cannot create the tests' Python environment ${dir}: ${venv.stderr.trim().split('\n').slice(-3).join(' | ')} (install python3 with its venv module, e.g. \`apt-get install python3-venv\`)`)
    }
    log(`pip install ${PYTHON_REQUIREMENT} into ${dir}`)
    const pip = await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', ...PYTHON_PACKAGES], {env})
    if (pip.code !== 0) throw new Error(`pip install ${PYTHON_REQUIREMENT} failed: ${(pip.stderr || pip.stdout).trim().split('\n').slice(-5).join(' | ')}`)
    const check = await run(python, ['-c', 'import confluent_kafka, confluent_kafka.schema_registry.avro, lz4.frame, zstandard, cramjam; print(confluent_kafka.version())'], {env})
    if (check.code !== 0) throw new Error(`the tests' Python environment cannot import confluent_kafka: ${check.stderr.trim()}`)
    await writeFile(join(dir, READY_MARKER), PYTHON_REQUIREMENT)
    return python
  }, {log})
}

function readMarker(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, READY_MARKER), 'utf8')
  } catch {
    return undefined
  }
}

/** kcat from PATH, else from apt-get when permitted, else why not and how to install it. */
export async function resolveKcat(opts: {env?: NodeJS.ProcessEnv; allowInstall?: boolean; cacheDir?: string; log?: Log} = {}): Promise<{kcat: string} | {missing: string}> {
  const env = opts.env ?? process.env
  const found = which('kcat', env)
  if (found) return {kcat: found}
  const allowed = (opts.allowInstall ?? true) && aptPermitted(env)
  if (!allowed) return {missing: `kcat is not on PATH; ${KCAT_INSTALL_HINT}`}
  const apt = await aptInstall(['kcat'], opts.log ?? (() => undefined), env, opts.cacheDir ?? clientsCacheDir(env))
  const installed = which('kcat', env)
  if (apt.code === 0 && installed) return {kcat: installed}
  return {missing: `kcat is not on PATH and \`apt-get install kcat\` failed (${apt.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${apt.code}`}); ${KCAT_INSTALL_HINT}`}
}

/**
 * A Chromium for puppeteer: PUPPETEER_EXECUTABLE_PATH, else `chromium` from PATH, else from
 * apt-get when permitted (Debian's package is `chromium`), else why not and how to install it.
 */
export async function resolveChromium(opts: {env?: NodeJS.ProcessEnv; allowInstall?: boolean; cacheDir?: string; log?: Log} = {}): Promise<{chromium: string} | {missing: string}> {
  const env = opts.env ?? process.env
  const named = env.PUPPETEER_EXECUTABLE_PATH
  if (named) {
    try {
      accessSync(named, constants.X_OK)
      return {chromium: named}
    } catch {
      return {missing: `PUPPETEER_EXECUTABLE_PATH=${named} is not an executable; ${CHROMIUM_INSTALL_HINT}`}
    }
  }
  const found = which('chromium', env)
  if (found) return {chromium: found}
  const allowed = (opts.allowInstall ?? true) && aptPermitted(env)
  if (!allowed) return {missing: `chromium is not on PATH; ${CHROMIUM_INSTALL_HINT}`}
  const apt = await aptInstall(['chromium'], opts.log ?? (() => undefined), env, opts.cacheDir ?? clientsCacheDir(env))
  const installed = which('chromium', env)
  if (apt.code === 0 && installed) return {chromium: installed}
  return {missing: `chromium is not on PATH and \`apt-get install chromium\` failed (${apt.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${apt.code}`}); ${CHROMIUM_INSTALL_HINT}`}
}

export async function provisionClients(opts: {env?: NodeJS.ProcessEnv; log?: Log} = {}): Promise<ProvisionedClients> {
  // apt-get installs take turns under one lock (aptInstall).
  const [python, kcat, chromium] = await Promise.all([ensurePythonEnv(opts), resolveKcat(opts), resolveChromium(opts)])
  return {
    python,
    ...('kcat' in kcat ? {kcat: kcat.kcat} : {kcatMissing: kcat.missing}),
    ...('chromium' in chromium ? {chromium: chromium.chromium} : {chromiumMissing: chromium.missing}),
  }
}

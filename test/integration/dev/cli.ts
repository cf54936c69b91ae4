import {execFile} from 'node:child_process'
import {existsSync, readFileSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SOURCE_RUNNER = join(ROOT, 'bin/dev.js')

function newestMtime(dir: string): number {
  let newest = 0
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/**
 * The built CLI (bin/run.js, ~10x faster to start) when dist and its command manifest are newer
 * than every source file, as right after `npm run build` in `npm test`; otherwise the sources.
 */
const USE_DIST = (() => {
  const manifest = join(ROOT, 'oclif.manifest.json')
  if (!existsSync(manifest) || !existsSync(join(ROOT, 'dist/commands/dev/up.js'))) return false
  return statSync(manifest).mtimeMs >= newestMtime(join(ROOT, 'src'))
})()
const CLI_ARGS = USE_DIST ? [join(ROOT, 'bin/run.js')] : ['--import', 'tsx', SOURCE_RUNNER]

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `streamctl <args>` from sources in a child process, as a user would. */
export function streamctl(args: readonly string[], opts: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI_ARGS, ...args], {env: {...process.env, ...opts.env}, timeout: opts.timeoutMs ?? 240_000, maxBuffer: 16 * 1024 * 1024}, (err, stdout, stderr) => {
      const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : 1) : 0
      resolve({code, stdout, stderr})
    })
  })
}

/** The value of a `key: value` line of `dev up` / `dev status` output. */
export function line(out: string, key: string): string | undefined {
  return new RegExp(`^${key}: (.*)$`, 'm').exec(out)?.[1]
}

/** Java processes whose command line mentions `dir` (the data dir of a cluster under test). */
export function javaPidsUnder(dir: string): number[] {
  const pids: number[] = []
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')
      if (cmd[0]?.endsWith('java') && cmd.some((a) => a.includes(dir))) pids.push(Number(p))
    } catch { /* exited */ }
  }
  return pids
}

import {execFile} from 'node:child_process'
import {readFileSync, readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const RUNNER = fileURLToPath(new URL('../../../src/dev/source-cli.mjs', import.meta.url))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `streamctl <args>` from sources in a child process, as a user would. */
export function streamctl(args: readonly string[], opts: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', RUNNER, ...args], {env: {...process.env, ...opts.env}, timeout: opts.timeoutMs ?? 240_000, maxBuffer: 16 * 1024 * 1024}, (err, stdout, stderr) => {
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

import {spawn} from 'node:child_process'
import {closeSync, openSync, readFileSync} from 'node:fs'

/**
 * Long-lived node processes (Kafka JVMs, the registry). They are spawned detached in their own
 * process group so they outlive `streamctl dev up`, and identified later by pid plus a marker in
 * their command line, because a recorded pid may since have been reused by an unrelated process.
 */
export function spawnDetached(cmd: string, args: readonly string[], opts: {logFile: string; cwd?: string; env?: NodeJS.ProcessEnv}): number {
  const fd = openSync(opts.logFile, 'a')
  try {
    const child = spawn(cmd, args, {detached: true, stdio: ['ignore', fd, fd], cwd: opts.cwd, env: opts.env ?? process.env})
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`)
    child.unref()
    return child.pid
  } finally {
    closeSync(fd)
  }
}

/** Spawns java through bash so the open-files soft limit can be raised to the hard limit first. */
export function spawnJava(javaArgs: readonly string[], opts: {logFile: string; cwd?: string}): number {
  return spawnDetached('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec java "$@"', 'streamctl-node', ...javaArgs], opts)
}

/**
 * Alive and not a zombie, whatever its command line. For processes this call just spawned: during
 * bash's exec into java, /proc/<pid>/cmdline can read empty for an instant.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}

/** True when `pid` is alive, not a zombie, and its command line contains `marker`. */
export function isOurProcess(pid: number | undefined, marker: string): boolean {
  if (!pid) return false
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    if (state === 'Z' || state === 'X') return false
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
    return cmdline.includes(marker)
  } catch {
    return false
  }
}

export function peakRssKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : undefined
  } catch {
    return undefined
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** SIGTERM (Kafka's controlled shutdown), then SIGKILL after `graceMs`. Returns how it ended. */
export async function stopProcess(pid: number, marker: string, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isOurProcess(pid, marker)) return 'not-running'
  try { process.kill(pid, 'SIGTERM') } catch { return 'not-running' }
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, marker)) return 'stopped'
    await sleep(200)
  }
  try { process.kill(pid, 'SIGKILL') } catch { /* exited meanwhile */ }
  for (let i = 0; i < 50 && isOurProcess(pid, marker); i++) await sleep(100)
  return 'killed'
}

export function killNow(pid: number, marker: string): void {
  if (isOurProcess(pid, marker)) {
    try { process.kill(pid, 'SIGKILL') } catch { /* gone */ }
  }
}

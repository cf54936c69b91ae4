/**
 * A detached process that SIGKILLs the dev clusters in the given data dirs once the owner pid is
 * gone. The test suite starts one so that even a SIGKILLed test runner leaves no JVM behind.
 * Usage: node --import tsx src/dev/watchdog.ts <ownerPid> <dataDir>...
 */
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {killClusterSync} from './kill-sync.js'

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true } catch { return false }
}

/** Starts the watchdog for `dataDirs`, owned by the current process. */
export function startWatchdog(dataDirs: readonly string[]): number | undefined {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(process.pid), ...dataDirs], {detached: true, stdio: 'ignore'})
  child.unref()
  return child.pid
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [owner, ...dirs] = process.argv.slice(2)
  const timer = setInterval(() => {
    if (!alive(Number(owner))) {
      for (const d of dirs) killClusterSync(d)
      clearInterval(timer)
    }
  }, 1000)
}

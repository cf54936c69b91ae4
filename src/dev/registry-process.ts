import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {spawnDetached} from './process.js'

/**
 * The dev schema registry (`streamctl registry serve`, written in src/commands/registry/) run as
 * a managed process of the dev cluster. Skipped silently while that command does not exist.
 */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url))

export function registryCommand(): {cmd: string; args: string[]} | undefined {
  if (existsSync(join(PACKAGE_ROOT, 'dist/commands/registry/serve.js'))) {
    return {cmd: process.execPath, args: [join(PACKAGE_ROOT, 'bin/run.js')]}
  }
  if (existsSync(join(PACKAGE_ROOT, 'src/commands/registry/serve.ts'))) {
    return {cmd: process.execPath, args: ['--import', 'tsx', join(PACKAGE_ROOT, 'bin/dev.js')]}
  }
  return undefined
}

/** The command-line fragment that identifies this instance among processes (pid reuse check). */
export function registryMarker(bootstrap: readonly string[], port: number): string {
  return `registry serve --bootstrap ${bootstrap.join(',')} --port ${port}`
}

export function spawnRegistry(bootstrap: readonly string[], port: number, logFile: string): number | undefined {
  const c = registryCommand()
  if (!c) return undefined
  return spawnDetached(c.cmd, [...c.args, 'registry', 'serve', '--bootstrap', bootstrap.join(','), '--port', String(port)], {logFile, cwd: PACKAGE_ROOT})
}

export async function waitForRegistry(port: number, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline && alive()) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/subjects`, {signal: AbortSignal.timeout(2000)})
      if (r.ok) return true
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 300))
  }
  return false
}

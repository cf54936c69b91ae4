import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {DevCredentials} from './credentials.js'
import {spawnDetached} from './process.js'
import {clientBootstrap, type ClusterLayout} from './topology.js'

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

/**
 * What the registry connects to: a client listener like any other client (SASL_PLAINTEXT with the
 * admin's SCRAM login on a secure cluster), never the inter-broker listener.
 */
export function registryBootstrap(layout: ClusterLayout): string[] {
  return clientBootstrap(layout)
}

/** Secure clusters: the admin's login to Kafka, and the HTTP Basic credentials the registry demands. */
export interface RegistrySecurity {
  readonly username: string
  /** 0600 file holding only the password (never on the command line). */
  readonly passwordFile: string
}

/** The command-line fragment that identifies this instance among processes (pid reuse check). */
export function registryMarker(bootstrap: readonly string[], port: number): string {
  return `registry serve --bootstrap ${bootstrap.join(',')} --port ${port}`
}

export function spawnRegistry(bootstrap: readonly string[], port: number, logFile: string, security?: RegistrySecurity): number | undefined {
  const c = registryCommand()
  if (!c) return undefined
  const auth = security
    ? ['--sasl-mechanism', 'scram-sha-512', '--sasl-username', security.username, '--sasl-password-file', security.passwordFile,
        '--auth-username', security.username, '--auth-password-file', security.passwordFile]
    : []
  return spawnDetached(c.cmd, [...c.args, 'registry', 'serve', '--bootstrap', bootstrap.join(','), '--port', String(port), ...auth], {logFile, cwd: PACKAGE_ROOT})
}

export function basicAuthHeader(creds: DevCredentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password.reveal()}`).toString('base64')}`
}

export async function waitForRegistry(port: number, timeoutMs: number, alive: () => boolean, creds?: DevCredentials): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline && alive()) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/subjects`, {signal: AbortSignal.timeout(2000), ...(creds ? {headers: {authorization: basicAuthHeader(creds)}} : {})})
      if (r.ok) return true
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 300))
  }
  return false
}

import {Flags} from '@oclif/core'
import {StreamctlError} from '../errors.js'
import type {DesiredState} from '../model/desired.js'

/** Flags of commands that reach a cluster through an environment. */
export const connectFlags = {
  'no-start': Flags.boolean({description: 'for `cluster: dev` environments: fail instead of starting the dev cluster when it is down'}),
}

/** Loads the manifests and resolves one environment (every problem reported at once). */
export async function loadDesired(files: readonly string[], env: string | undefined, opts: {offline?: boolean} = {}): Promise<DesiredState> {
  const {loadManifests, resolveEnvironment} = await import('../manifest/index.js')
  const set = await loadManifests(files)
  return resolveEnvironment(set, env, {offline: opts.offline})
}

export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(value.trim())
  if (!m) throw new StreamctlError('USAGE', `${flag}: cannot read duration "${value}"`, {hint: 'use e.g. 30s, 2m, 500ms'})
  const n = Number(m[1])
  const unit = m[2] ?? 's'
  return n * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[unit as 'ms' | 's' | 'm' | 'h']
}

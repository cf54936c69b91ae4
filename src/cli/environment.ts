import {Flags} from '@oclif/core'
import {StreamctlError} from '../errors.js'
import type {DesiredState} from '../model/desired.js'
import type {EnvironmentSpec} from '../model/environment.js'

/** Flags of commands that reach a cluster through an environment. */
export const connectFlags = {
  'no-start': Flags.boolean({description: 'for `cluster: dev` environments: fail instead of starting the dev cluster when it is down'}),
  bootstrap: Flags.string({description: "connect to host:port[,host:port] (PLAINTEXT) instead of the environment's cluster"}),
}

/** `--bootstrap` replaces the environment's connection; everything else about it stays. */
export function withBootstrap(env: EnvironmentSpec, bootstrap: string | undefined): EnvironmentSpec {
  if (!bootstrap) return env
  const list = bootstrap.split(',').map((b) => b.trim()).filter(Boolean)
  const bad = list.find((b) => !/^[^:\s]+:\d{1,5}$/.test(b))
  if (list.length === 0 || bad !== undefined) {
    throw new StreamctlError('USAGE', `--bootstrap: "${bad ?? bootstrap}" is not host:port`, {hint: 'use host:port, comma-separated for several brokers', exitCode: 2})
  }
  return {...env, cluster: undefined, dev: undefined, kafka: {bootstrap: list}}
}

/** Loads the manifests and resolves one environment (every problem reported at once). */
export async function loadDesired(files: readonly string[], env: string | undefined, opts: {offline?: boolean} = {}): Promise<DesiredState> {
  const {loadEnvironment} = await import('../manifest/check-manifests.js')
  return loadEnvironment(files, env, {offline: opts.offline})
}

export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(value.trim())
  if (!m) throw new StreamctlError('USAGE', `${flag}: cannot read duration "${value}"`, {hint: 'use e.g. 30s, 2m, 500ms'})
  const n = Number(m[1])
  const unit = m[2] ?? 's'
  return n * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[unit as 'ms' | 's' | 'm' | 'h']
}

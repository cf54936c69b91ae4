import {StreamctlError} from '../errors.js'
import {resolveEnvironmentConnection} from '../dev/index.js'
import {loadManifests, resolveEnvironment} from '../manifest/index.js'
import type {DesiredState} from '../model/desired.js'
import type {RegistryConnection} from '../registry/client/http.js'
import {bootstrapConnection, type JobConnection} from './connection.js'

/**
 * A job's cluster from the command line: `--bootstrap host:port` or `-e ENV` (the environment's
 * `kafka` block, or the running dev cluster for `cluster: dev`). The label is the environment
 * name or the bootstrap list: never anything from the credentials.
 */
export async function resolveJobConnection(o: {bootstrap?: string; env?: string; files: readonly string[]; flag?: string}): Promise<JobConnection> {
  if (o.bootstrap && o.env) throw new StreamctlError('USAGE', `give either ${o.flag ?? '--bootstrap'} or an environment, not both`)
  if (o.bootstrap) return bootstrapConnection(o.bootstrap)
  if (o.env) {
    const desired = await loadDesired(o.files, o.env)
    return environmentConnection(desired)
  }
  throw new StreamctlError('USAGE', 'no cluster given', {hint: 'pass -e ENV (an environment of your manifests) or --bootstrap host:port'})
}

export async function loadDesired(files: readonly string[], env: string): Promise<DesiredState> {
  const set = await loadManifests(files)
  // Jobs need no secrets other than the connection's, which resolveEnvironment checks.
  return resolveEnvironment(set, env)
}

export async function environmentConnection(desired: DesiredState): Promise<JobConnection> {
  const spec = await resolveEnvironmentConnection(desired.environment, {start: false})
  return {label: `environment ${desired.environment.name} (${spec.bootstrap.join(',')})`, spec}
}

/** The schema registry for a schema upgrade: `--registry URL`, or the environment's `registry` block. */
export async function resolveRegistry(o: {url?: string; env?: string; files: readonly string[]}): Promise<RegistryConnection> {
  if (o.url) return {environment: o.url, url: o.url}
  if (o.env) {
    const reg = (await loadDesired(o.files, o.env)).environment.registry
    if (!reg) throw new StreamctlError('USAGE', `environment ${o.env} declares no registry`, {hint: 'add registry: {url: …} to the environment, or pass --registry URL'})
    return {environment: o.env, url: reg.url, ...(reg.username ? {username: reg.username} : {}), ...(reg.password ? {password: reg.password} : {}), ...(reg.token ? {token: reg.token} : {})}
  }
  throw new StreamctlError('USAGE', 'a schema upgrade needs a registry', {hint: 'pass --registry URL or an environment with a registry'})
}

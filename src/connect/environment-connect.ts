import {ensureDevCluster} from '../dev/ensure.js'
import type {DevEvent} from '../dev/events.js'
import {StreamctlError} from '../errors.js'
import type {EnvironmentSpec} from '../model/environment.js'
import {ConnectClient} from './connect-client.js'

/**
 * The Connect cluster of an environment: its `connect` block, or for `cluster: dev` the dev
 * cluster's own worker (started, like the brokers, unless `start` is false).
 */
export async function connectClientFor(env: EnvironmentSpec, opts: {start: boolean; onEvent?: (e: DevEvent) => void}): Promise<ConnectClient> {
  if (env.connect) return new ConnectClient({environment: env.name, url: env.connect.url, ...(env.connect.auth ? {auth: env.connect.auth} : {})})
  if (env.cluster === 'dev') {
    const dev = await ensureDevCluster({...env.dev, connect: true}, opts)
    if (!dev.connectUrl) throw new StreamctlError('CONNECT_ERROR', `the dev cluster of environment "${env.name}" has no running Kafka Connect worker`, {hint: 'start it with `streamctl dev up --connect`'})
    return new ConnectClient({environment: env.name, url: dev.connectUrl, ...(dev.connectAuth ? {auth: dev.connectAuth} : {})})
  }
  throw new StreamctlError('USAGE', `environment "${env.name}" has no Kafka Connect cluster`, {hint: 'add `connect: {url: http://…}` to the environment (or use `cluster: dev`, whose worker `dev up --connect` runs)'})
}

import {createServer} from 'node:net'
import {describe, expect, it} from 'vitest'
import {createGateway} from '../../../src/cluster/create-gateway.js'
import {Secret} from '../../../src/model/secret.js'
import {hasSecureCluster, secureCluster} from '../harness.js'

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as {port: number}).port
  await new Promise((r) => srv.close(r))
  return port
}

async function timed(fn: () => Promise<unknown>): Promise<{error: any; ms: number}> {
  const start = Date.now()
  const error = await fn().then(() => undefined, (e: unknown) => e)
  return {error, ms: Date.now() - start}
}

describe('gateway connection failures', () => {
  it('an unreachable bootstrap fails with CLUSTER_UNREACHABLE naming environment and bootstrap, within the bound', async () => {
    const bootstrap = [`127.0.0.1:${await freePort()}`]
    const gw = createGateway({bootstrap}, {environment: 'staging'})
    const {error, ms} = await timed(() => gw.listTopics())
    await gw.close()
    expect(error).toMatchObject({code: 'CLUSTER_UNREACHABLE', exitCode: 1})
    expect(error.message).toContain('environment "staging"')
    expect(error.message).toContain(bootstrap[0])
    expect(error.hint).toBeTruthy()
    expect(ms).toBeLessThan(20_000)
  })

  it('a port that accepts but never answers hits the overall deadline, and close() does not wait out kafkajs retries', async () => {
    const silent = createServer((socket) => socket.resume())
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const bootstrap = [`127.0.0.1:${(silent.address() as {port: number}).port}`]
    const gw = createGateway({bootstrap}, {environment: 'blackhole', timeoutMs: 4000})
    const {error, ms} = await timed(() => gw.describeCluster())
    const closing = await timed(() => gw.close())
    silent.close()
    expect(error).toMatchObject({code: 'CLUSTER_UNREACHABLE'})
    expect(error.message).toContain('environment "blackhole"')
    expect(error.message).toContain('within 4s')
    expect(ms).toBeGreaterThanOrEqual(3900)
    expect(ms).toBeLessThan(10_000)
    expect(closing.ms).toBeLessThan(3000)
  })

  it.skipIf(!hasSecureCluster())('a wrong SASL password is CLUSTER_AUTH, fast, and the password is never in the error', async () => {
    const c = secureCluster()
    const password = 'definitely-wrong-Pa55'
    const gw = createGateway({...c.connection, sasl: {mechanism: 'scram-sha-512', username: c.adminCredentials!.username, password: new Secret(password, 'inline')}}, {environment: 'secure-it'})
    const {error, ms} = await timed(() => gw.listTopics())
    await gw.close()
    expect(error).toMatchObject({code: 'CLUSTER_AUTH', exitCode: 1})
    expect(error.message).toContain('environment "secure-it"')
    expect(error.message).toContain(`user "${c.adminCredentials!.username}"`)
    const everything = JSON.stringify({m: error.message, h: error.hint, c: String(error.cause?.message), s: error.stack})
    expect(everything).not.toContain(password)
    expect(everything).not.toContain(c.adminCredentials!.password)
    expect(ms).toBeLessThan(20_000)
  })

  it.skipIf(!hasSecureCluster())('TLS without the cluster CA fails as a TLS error naming the bootstrap', async () => {
    const c = secureCluster()
    const gw = createGateway({...c.connection, tls: {}}, {environment: 'tls-it'})
    const {error, ms} = await timed(() => gw.listTopics())
    await gw.close()
    expect(error).toMatchObject({code: 'CLUSTER_UNREACHABLE'})
    expect(error.message).toMatch(/TLS handshake with .*environment "tls-it".* failed/)
    expect(ms).toBeLessThan(20_000)
  })
})

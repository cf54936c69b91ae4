import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {startRegistry} from '../../../src/registry/server.js'
import {hasSecureCluster, newKafkaJs, secureCluster, uniquePrefix} from '../harness.js'
import {call} from './helpers.js'

const RUNNER = fileURLToPath(new URL('../../../bin/dev.js', import.meta.url))

describe.skipIf(!hasSecureCluster())('registry on the secure cluster (SASL_SSL, SCRAM-SHA-512, 3 brokers)', () => {
  it('keeps its state in a topic replicated 3 ways over an authenticated connection', async () => {
    const c = secureCluster()
    const topic = `${uniquePrefix('registry secure')}schemas`
    const reg = await startRegistry({connection: c.connection, topic})
    try {
      expect((await call(reg.url, 'POST', '/subjects/s-value/versions', {schema: '"string"'})).body).toEqual({id: 1})
    } finally {
      await reg.close()
    }
    const admin = newKafkaJs(c).admin()
    await admin.connect()
    try {
      const meta = await admin.fetchTopicMetadata({topics: [topic]})
      expect(meta.topics[0]!.partitions.map((p) => p.replicas.length)).toEqual([3])
    } finally {
      await admin.disconnect()
    }
  })

  it('`registry serve` takes the password from STREAMCTL_SASL_PASSWORD and never prints it', async () => {
    const c = secureCluster()
    const password = c.adminCredentials!.password
    const child = spawn(process.execPath, [
      '--import', 'tsx', RUNNER, 'registry', 'serve', '--bootstrap', c.bootstrap.join(','), '--port', '0',
      '--topic', `${uniquePrefix('registry secure serve')}schemas`, '--ca-file', c.caFile!,
      '--sasl-mechanism', 'scram-sha-512', '--sasl-username', c.adminCredentials!.username,
    ], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, STREAMCTL_SASL_PASSWORD: password}})
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${out}`)), 90_000)
      child.stdout.on('data', () => {
        const m = /^registry: (\S+)$/m.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(m[1]!)
        }
      })
      void exited.then(() => reject(new Error(`exited: ${out}`)))
    })
    expect((await call(url, 'GET', '/subjects')).body).toEqual([])
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(out).not.toContain(password)

    // a wrong password: a clear error, still without the secret
    const bad = spawn(process.execPath, [
      '--import', 'tsx', RUNNER, 'registry', 'serve', '--bootstrap', c.bootstrap.join(','), '--port', '0', '--ca-file', c.caFile!,
      '--sasl-mechanism', 'scram-sha-512', '--sasl-username', c.adminCredentials!.username,
    ], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, STREAMCTL_SASL_PASSWORD: 'wrong-secret-value'}})
    let badOut = ''
    bad.stdout.on('data', (d) => (badOut += d))
    bad.stderr.on('data', (d) => (badOut += d))
    const code = await new Promise<number | null>((resolve) => bad.on('exit', (c2) => resolve(c2)))
    expect(code).toBe(1)
    expect(badOut).toContain('error: registry: cannot use the _schemas topic')
    expect(badOut).not.toContain('wrong-secret-value')
  })
})

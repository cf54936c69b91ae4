import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {providedClusters, singleCluster, uniquePrefix} from '../harness.js'
import {avroRecord, call, testRegistry} from './helpers.js'

const RUNNER = fileURLToPath(new URL('../../../bin/dev.js', import.meta.url))

/** Everything a client can observe about subjects and ids, from one registry. */
async function snapshot(url: string): Promise<unknown> {
  const subjects = (await call(url, 'GET', '/subjects?deleted=true')).body as string[]
  const out: Record<string, unknown> = {}
  for (const s of subjects) {
    const versions = (await call(url, 'GET', `/subjects/${encodeURIComponent(s)}/versions?deleted=true`)).body as number[]
    out[s] = await Promise.all(versions.map(async (v) => (await call(url, 'GET', `/subjects/${encodeURIComponent(s)}/versions/${v}?deleted=true`)).body))
  }
  return {subjects: out, config: (await call(url, 'GET', '/config')).body}
}

describe('registry state lives in Kafka', () => {
  it('a restarted registry replays the topic: ids, versions, deletes and config unchanged', async () => {
    const first = await testRegistry()
    const ids: number[] = []
    try {
      for (let i = 0; i < 3; i++) {
        const fields = [{name: 'id', type: 'long'}, ...Array.from({length: i}, (_, j) => ({name: `f${j}`, type: 'string', default: ''}))]
        ids.push((await call(first.url, 'POST', '/subjects/restart-value/versions', {schema: avroRecord('R', fields)})).body.id)
      }
      await call(first.url, 'POST', '/subjects/restart-json/versions', {schemaType: 'JSON', schema: '{"type":"object"}'})
      await call(first.url, 'DELETE', '/subjects/restart-value/versions/2')
      await call(first.url, 'PUT', '/config', {compatibility: 'FULL'})
    } finally {
      await first.close()
    }
    const before = await (async () => {
      const again = await testRegistry(first.topic)
      try {
        return await snapshot(again.url)
      } finally {
        await again.close()
      }
    })()
    expect(new Set(ids).size).toBe(3)
    expect(before).toMatchObject({config: {compatibilityLevel: 'FULL'}})
    const second = await testRegistry(first.topic)
    try {
      expect(await snapshot(second.url)).toEqual(before)
      expect((await call(second.url, 'GET', '/subjects/restart-value/versions')).body).toEqual([1, 3])
      expect((await call(second.url, 'GET', `/schemas/ids/${ids[2]}`)).status).toBe(200)
      // new ids continue after the replayed ones
      const next = await call(second.url, 'POST', '/subjects/restart-new/versions', {schema: avroRecord('New', [{name: 'x', type: 'int'}])})
      expect(next.body.id).toBeGreaterThan(Math.max(...ids))
    } finally {
      await second.close()
    }
  })

  it('two instances on one cluster, written concurrently, agree on every id and version', async () => {
    const a = await testRegistry()
    const b = await testRegistry(a.topic)
    try {
      const schema = (i: number) => avroRecord(`Concurrent${i}`, [{name: 'n', type: 'int'}])
      // Both instances race: distinct schemas in distinct subjects, plus the same schema and
      // the same subject from both sides.
      const writes = await Promise.all([
        ...Array.from({length: 6}, (_, i) => call(i % 2 ? a.url : b.url, 'POST', `/subjects/race-${i}/versions`, {schema: schema(i)})),
        call(a.url, 'POST', '/subjects/shared-a/versions', {schema: schema(99)}),
        call(b.url, 'POST', '/subjects/shared-b/versions', {schema: schema(99)}),
        call(a.url, 'POST', '/subjects/same-subject/versions', {schema: schema(200)}),
        call(b.url, 'POST', '/subjects/same-subject/versions', {schema: avroRecord('Concurrent200', [{name: 'n', type: 'int'}, {name: 'm', type: 'int', default: 0}])}),
      ])
      expect(writes.map((w) => w.status)).toEqual(Array(10).fill(200))
      const ids = writes.map((w) => w.body.id as number)
      expect(new Set(ids.slice(0, 6)).size).toBe(6)
      expect(ids[6]).toBe(ids[7])
      expect(ids[8]).not.toBe(ids[9])
      expect(new Set(ids).size).toBe(9)
      // B has read everything A wrote (and vice versa) once it has caught up with the log.
      await call(a.url, 'PUT', '/config/sync', {compatibility: 'NONE'})
      await call(b.url, 'PUT', '/config/sync', {compatibility: 'NONE'})
      expect(await snapshot(b.url)).toEqual(await snapshot(a.url))
      expect((await call(a.url, 'GET', '/subjects/same-subject/versions')).body).toEqual([1, 2])
      for (const id of ids) expect((await call(b.url, 'GET', `/schemas/ids/${id}`)).body).toEqual((await call(a.url, 'GET', `/schemas/ids/${id}`)).body)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it('`streamctl registry serve` prints its URL once ready, serves, and stops cleanly on SIGTERM', async () => {
    const topic = `${uniquePrefix('registry serve')}schemas`
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, 'registry', 'serve', '--bootstrap', singleCluster().bootstrap.join(','), '--port', '0', '--topic', topic], {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no readiness line; stderr: ${stderr}`)), 60_000)
        child.stdout.on('data', (d) => {
          stdout += d
          const m = /^registry: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)
          if (m) {
            clearTimeout(timer)
            resolve(m[1]!)
          }
        })
      })
      expect((await call(url, 'POST', '/subjects/serve-value/versions', {schema: '"string"'})).body).toEqual({id: 1})
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
    expect(stderr).toBe('')
  })

  it('`registry serve` against a Kafka that is not there fails with a clear error', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, 'registry', 'serve', '--bootstrap', '127.0.0.1:1', '--port', '0'], {stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    expect(code).toBe(1)
    expect(stderr).toContain('error: registry: cannot use the _schemas topic')
    expect(stderr).toContain('hint: check --bootstrap')
  })

  it('the dev cluster\'s registry (started by dev up) serves from the _schemas topic', async (ctx) => {
    if (process.env.STREAMCTL_IT_REGISTRY === '0') ctx.skip()
    const {registryError} = providedClusters()
    expect(registryError).toBeUndefined()
    const url = singleCluster().registryUrl!
    const subject = `${uniquePrefix('registry dev up')}value`
    const {id} = (await call(url, 'POST', `/subjects/${subject}/versions`, {schema: avroRecord('DevUp', [{name: 'x', type: 'int'}])})).body
    expect((await call(url, 'GET', `/schemas/ids/${id}/subjects`)).body).toContain(subject)
  })
})

/** How other commands reach the dev cluster: ensureDevCluster / resolveEnvironmentConnection. */
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {devReset, ensureDevCluster, resolveEnvironmentConnection, type DevEvent} from '../../../src/dev/index.js'
import {StreamctlError} from '../../../src/errors.js'
import type {EnvironmentSpec} from '../../../src/model/environment.js'
import {providedClusters, singleCluster} from '../harness.js'

const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-ensure-'))
afterAll(async () => {
  await devReset({dataDir: join(dir, 'fresh')})
  rmSync(dir, {recursive: true, force: true})
})

const env = (dataDir: string): EnvironmentSpec => ({
  name: 'local', cluster: 'dev', dev: {brokers: 1, secure: false, dataDir, kafkaVersion: providedClusters().kafkaVersion},
  productionLike: false, defaults: {config: {}}, protect: [], variables: {},
})

describe('ensureDevCluster / resolveEnvironmentConnection', () => {
  it('a running cluster resolves from its state without starting anything', async () => {
    const c = singleCluster()
    const r = await ensureDevCluster({dataDir: c.dataDir}, {start: false})
    expect(r).toMatchObject({bootstrap: c.bootstrap, clusterId: c.clusterId, started: false})
    expect(r.connection.bootstrap).toEqual(c.bootstrap)
  })

  it('--no-start refuses a cluster that is not running, creating nothing', async () => {
    const d = join(dir, 'absent')
    const err = await resolveEnvironmentConnection(env(d), {start: false}).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(StreamctlError)
    expect((err as StreamctlError).code).toBe('CLUSTER_UNREACHABLE')
    expect((err as StreamctlError).message).toContain('not created')
    expect((err as StreamctlError).hint).toContain('streamctl dev up')
    expect(existsSync(d)).toBe(false)
  })

  it('starts the cluster when allowed, and says so', async () => {
    const events: DevEvent[] = []
    const conn = await resolveEnvironmentConnection(env(join(dir, 'fresh')), {start: true, onEvent: (e) => events.push(e)})
    expect(conn.started).toBe(true)
    expect(conn.bootstrap).toHaveLength(1)
    expect(conn.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(events[0]!.message).toMatch(/is not running: starting it/)
    const again = await resolveEnvironmentConnection(env(join(dir, 'fresh')), {start: false})
    expect(again.started).toBe(false)
    expect(again.clusterId).toBe(conn.clusterId)
  })

  it('an environment with a kafka block is returned as is', async () => {
    const spec: EnvironmentSpec = {...env('unused'), cluster: undefined, kafka: {bootstrap: ['kafka.example:9092']}}
    expect(await resolveEnvironmentConnection(spec, {start: true})).toEqual({bootstrap: ['kafka.example:9092']})
  })
})

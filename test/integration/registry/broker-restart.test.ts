import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {devDown, devUp} from '../../../src/dev/index.js'
import {killClusterSync} from '../../../src/dev/kill-sync.js'
import {startRegistry} from '../../../src/registry/server.js'
import {avroRecord, call} from './helpers.js'

/**
 * Restarting the brokers must not lose or renumber anything. This file runs its own one-node
 * cluster (the shared ones must stay up for the other files) and stops it in afterAll.
 */
describe('registry across a broker restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'registry-it-restart-'))
  afterAll(async () => {
    await devDown({dataDir, graceMs: 10_000}).catch(() => undefined)
    killClusterSync(dataDir)
    rmSync(dataDir, {recursive: true, force: true})
  })

  it('keeps ids and versions, and the running registry carries on after the brokers come back', async () => {
    const up = await devUp({dataDir, brokers: 1, secure: false, registry: false, heap: '384m'})
    const connection = {bootstrap: up.bootstrap}
    const reg = await startRegistry({connection})
    try {
      const v1 = await call(reg.url, 'POST', '/subjects/br-value/versions', {schema: avroRecord('Br', [{name: 'a', type: 'int'}])})
      const v2 = await call(reg.url, 'POST', '/subjects/br-value/versions', {schema: avroRecord('Br', [{name: 'a', type: 'int'}, {name: 'b', type: 'int', default: 0}])})
      expect([v1.status, v2.status]).toEqual([200, 200])

      await devDown({dataDir, graceMs: 20_000})
      const again = await devUp({dataDir})
      expect(again.bootstrap).toEqual(up.bootstrap)

      // the running instance answers reads from memory and writes once kafkajs has reconnected
      expect((await call(reg.url, 'GET', `/schemas/ids/${v2.body.id}`)).status).toBe(200)
      const v3 = await call(reg.url, 'POST', '/subjects/br-value/versions', {schema: avroRecord('Br', [{name: 'a', type: 'long'}, {name: 'b', type: 'int', default: 0}])})
      expect(v3.body.message ?? 'registered').toBe('registered')
      expect(v3.body.id).toBeGreaterThan(v2.body.id)

      const fresh = await startRegistry({connection})
      try {
        const versions = await Promise.all([1, 2, 3].map(async (v) => (await call(fresh.url, 'GET', `/subjects/br-value/versions/${v}`)).body.id))
        expect(versions).toEqual([v1.body.id, v2.body.id, v3.body.id])
      } finally {
        await fresh.close()
      }
    } finally {
      await reg.close()
    }
  })
})

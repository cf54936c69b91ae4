import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {deriveLatest, VERSION_HEADER} from '../../../src/operations/derive-latest.js'
import {deriveVersioned} from '../../../src/operations/derive-versioned.js'
import {newKafkaJs, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, produce, readAll} from './helpers.js'

const stateRoot = mkdtempSync(join(tmpdir(), 'ops-state-'))
afterAll(() => rmSync(stateRoot, {recursive: true, force: true}))

/** The table as compaction will leave it: the last record per key. */
function lastPerKey(records: {key: Buffer | null; value: Buffer | null}[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const r of records) m.set(r.key!.toString(), (JSON.parse(r.value!.toString()) as {version: number}).version)
  return m
}

describe('derive jobs on a real cluster', () => {
  const kafka = newKafkaJs()

  it('derive versioned: one record per table update, keyed <service>-<entity>-<id>-v<version>', async () => {
    const p = uniquePrefix('derive versioned')
    await createTopic(kafka, `${p}table`, 2, {'cleanup.policy': 'compact'})
    const updates = Array.from({length: 300}, (_, i) => ({key: `id${i % 30}`, value: JSON.stringify({version: Math.floor(i / 30) + 1, n: i})}))
    await produce(kafka, `${p}table`, [...updates, {key: 'id0', value: null as unknown as string}, {key: 'id1', value: '{"no":"version"}'}])
    const report = await deriveVersioned({
      from: `${p}table`, to: `${p}versioned`, service: 'shop', entity: 'order', versionField: 'version', deadLetter: `${p}dlq`, connection: connectionOf(),
    })
    expect(report).toMatchObject({read: 302, written: 300, skipped: 1, deadLettered: 1})
    const out = await readAll(kafka, `${p}versioned`)
    const keys = out.map((r) => r.key!.toString()).sort()
    const expected = updates.map((u) => `shop-order-${u.key}-v${(JSON.parse(u.value) as {version: number}).version}`).sort()
    expect(keys).toEqual(expected)
    const dlq = await readAll(kafka, `${p}dlq`)
    expect(dlq[0]!.headers['streamctl.error']?.toString()).toBe("value field 'version' is not a non-negative integer version")
    // The created target is a versioned topic: every version kept (delete, retention -1), never compacted away.
    const admin = kafka.admin()
    await admin.connect()
    try {
      const cfg = await admin.describeConfigs({resources: [{type: 2, name: `${p}versioned`}], includeSynonyms: false})
      const entries = Object.fromEntries((cfg.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]))
      expect({policy: entries['cleanup.policy'], retention: entries['retention.ms']}).toEqual({policy: 'delete', retention: '-1'})
    } finally {
      await admin.disconnect()
    }
  })

  it('derive latest: the highest version per entity, late older versions ignored, state rebuilt from the table', async () => {
    const p = uniquePrefix('derive latest')
    const from = `${p}versioned`
    const to = `${p}latest`
    const stateDir = join(stateRoot, 'latest')
    await createTopic(kafka, from, 3)
    // Versions arrive shuffled over partitions (the version is part of the key), then late old ones.
    const expected = new Map<string, number>()
    const batch1: {key: string; value: string}[] = []
    for (let id = 0; id < 60; id++) {
      const max = 1 + (id % 9)
      for (let v = 1; v <= max; v++) batch1.push({key: `shop-order-${id}-v${v}`, value: JSON.stringify({id, version: v})})
      expected.set(`shop-order-${id}`, max)
    }
    const late = Array.from({length: 60}, (_, id) => ({key: `shop-order-${id}-v1`, value: JSON.stringify({id, version: 1, late: true})}))
    await produce(kafka, from, [...batch1, ...late])

    const r1 = await deriveLatest({from, to, stateDir, connection: connectionOf()})
    expect(r1).toMatchObject({read: batch1.length + 60, stateRebuilt: true, entities: 60})
    expect(r1.written + r1.skipped).toBe(r1.read)
    let table = await readAll(kafka, to)
    expect(lastPerKey(table)).toEqual(expected)
    // Writes per key are strictly increasing, so compaction cannot keep an older version.
    const lastSeen = new Map<string, number>()
    for (const r of table) {
      const v = Number(r.headers[VERSION_HEADER]!.toString())
      expect(v).toBeGreaterThan(lastSeen.get(r.key!.toString()) ?? 0)
      lastSeen.set(r.key!.toString(), v)
    }

    // Lose the local store: the rerun regenerates it from the table, then keeps ignoring old versions.
    rmSync(stateDir, {recursive: true, force: true})
    const more = [
      {key: 'shop-order-0-v50', value: JSON.stringify({id: 0, version: 50})},
      {key: 'shop-order-8-v2', value: JSON.stringify({id: 8, version: 2})}, // 8 has 9 versions already
      {key: 'shop-order-999-v3', value: JSON.stringify({id: 999, version: 3})},
    ]
    await produce(kafka, from, more)
    const r2 = await deriveLatest({from, to, stateDir, connection: connectionOf()})
    expect(existsSync(join(stateDir, 'state.db'))).toBe(true)
    expect(r2).toMatchObject({read: 3, written: 2, skipped: 1, stateRebuilt: true, entities: 61})
    expected.set('shop-order-0', 50).set('shop-order-999', 3)
    table = await readAll(kafka, to)
    expect(lastPerKey(table)).toEqual(expected)

    // With the store intact and in step with the committed offsets, no rebuild happens.
    const r3 = await deriveLatest({from, to, stateDir, connection: connectionOf()})
    expect(r3).toMatchObject({read: 0, stateRebuilt: false, entities: 61})
  })

  it('derive latest: a key that is not versioned stops the job, naming the record', async () => {
    const p = uniquePrefix('derive latest bad')
    await createTopic(kafka, `${p}v`, 1)
    await produce(kafka, `${p}v`, [{key: 'shop-order-1-v1', value: '{}'}, {key: 'plain-key', value: '{}'}])
    await expect(deriveLatest({from: `${p}v`, to: `${p}t`, stateDir: join(stateRoot, 'bad'), connection: connectionOf()}))
      .rejects.toThrow(`${p}v[0]@1: key 'plain-key' is not a versioned key`)
    // Nothing of the failing batch was committed.
    expect(await readAll(kafka, `${p}t`)).toHaveLength(0)
  })
})

import {describe, expect, it} from 'vitest'
import {createKafka} from '../../../src/operations/connection.js'
import {executeOffsetReset, planOffsetReset, refuseActiveGroup, showOffsets} from '../../../src/operations/offsets.js'
import {newKafkaJs, uniquePrefix} from '../harness.js'
import {connectionOf, createTopic, produce} from './helpers.js'

describe('offsets show/reset on a real cluster', () => {
  const kafka = newKafkaJs()

  it('shows lag per partition, plans and writes a reset; refuses while the group has members', async () => {
    const p = uniquePrefix('offsets')
    const topic = `${p}t`
    const group = `${p}g`
    await createTopic(kafka, topic, 2)
    await produce(kafka, topic, Array.from({length: 100}, (_, i) => ({key: null, value: String(i), partition: i % 2})))
    const admin = kafka.admin()
    await admin.connect()
    await admin.setOffsets({groupId: group, topic, partitions: [{partition: 0, offset: '10'}, {partition: 1, offset: '45'}]})
    await admin.disconnect()
    const jobKafka = createKafka(connectionOf())

    const shown = await showOffsets(jobKafka, group)
    expect(shown.group).toMatchObject({state: 'Empty', members: 0})
    expect(shown.partitions.map((r) => [r.partition, r.committed, r.high, r.lag])).toEqual([[0, 10, 50, 40], [1, 45, 50, 5]])
    expect(shown.totalLag).toBe(45)

    const plan = await planOffsetReset(jobKafka, group, topic, {kind: 'shift', by: -20})
    expect(plan.rows.map((r) => [r.partition, r.current, r.target, r.delta])).toEqual([[0, 10, 0, -10], [1, 45, 25, -20]])
    await executeOffsetReset(jobKafka, plan, false)
    expect((await showOffsets(jobKafka, group, topic)).partitions.map((r) => r.committed)).toEqual([0, 25])

    // An active member: refused by us, and Kafka refuses too when forced.
    const consumer = kafka.consumer({groupId: group, sessionTimeout: 10_000})
    await consumer.connect()
    await consumer.subscribe({topic})
    const joined = new Promise((r) => consumer.on(consumer.events.GROUP_JOIN, r))
    await consumer.run({autoCommit: false, eachMessage: async () => {}})
    await joined
    try {
      const active = await planOffsetReset(jobKafka, group, topic, {kind: 'earliest'})
      expect(active.group.members).toBe(1)
      expect(() => refuseActiveGroup(active, false)).toThrow(/has 1 active member\(s\).*refusing/)
      await expect(executeOffsetReset(jobKafka, active, false)).rejects.toThrow(/refusing to reset/)
      await expect(executeOffsetReset(jobKafka, active, true)).rejects.toThrow(/Kafka refused the offsets/)
    } finally {
      await consumer.disconnect()
    }
  })
})

import {describe, expect, it} from 'vitest'
import {consumerOffsetsPartition} from '../../../src/operations/orphan-transactions.js'

describe('consumerOffsetsPartition: where Kafka keeps a group\'s offsets', () => {
  // Expected values printed by Java 17 with Kafka's formula, Utils.abs(groupId.hashCode()) % n,
  // Utils.abs being (n == Integer.MIN_VALUE) ? 0 : Math.abs(n).
  it.each([
    ['', 0, 0],
    ['streamctl-job-orders', 27, 3],
    ['streamctl-job-it.node-down-repartition.1c0954.job', 17, 1],
    // hashCode() is Integer.MIN_VALUE: Math.abs would stay negative, Kafka's Utils.abs gives 0.
    ['polygenelubricants', 0, 0],
    // A negative hash (Math.abs, not a bit mask) over UTF-16 code units, a surrogate pair included.
    ['ünïcødé-grøup-🚀', 4, 1],
    ['a', 47, 6],
    ['streamctl-checkpoints-orders', 39, 1],
  ])('%j → %i of 50, %i of 7', (group, of50, of7) => {
    expect(consumerOffsetsPartition(group, 50)).toBe(of50)
    expect(consumerOffsetsPartition(group, 7)).toBe(of7)
  })
})

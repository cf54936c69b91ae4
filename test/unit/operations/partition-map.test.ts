import {randomBytes} from 'node:crypto'
import {Partitioners} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {partitionForKey} from '../../../src/operations/partition-map.js'

// Expected partitions computed with Apache Kafka 4.4's own Utils.murmur2 / Utils.toPositive
// (java -cp kafka-clients … on the keys' UTF-8 bytes): the Java producer's default placement.
const JAVA: [key: string, p3: number, p7: number, p12: number][] = [
  ['a', 1, 5, 4],
  ['foo', 2, 1, 8],
  ['order-42', 0, 1, 0],
  ['k0', 2, 2, 5],
  ['k17', 1, 4, 1],
  ['c3', 2, 3, 5],
  ['shop-order-1234-v7', 1, 3, 1],
  ['éß漢', 0, 5, 0],
]

describe('partitionForKey', () => {
  it.each(JAVA)('places %s where the Java client does', (key, p3, p7, p12) => {
    expect(partitionForKey(key, 3)).toBe(p3)
    expect(partitionForKey(key, 7)).toBe(p7)
    expect(partitionForKey(Buffer.from(key, 'utf8'), 12)).toBe(p12)
  })

  it('agrees with kafkajs\'s DefaultPartitioner on random keys of every length 0–64', () => {
    const kafkajs = Partitioners.DefaultPartitioner()
    for (const n of [1, 6, 13, 100]) {
      const partitionMetadata = Array.from({length: n}, (_, partitionId) => ({partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0}))
      for (let len = 0; len <= 64; len++) {
        for (let i = 0; i < 20; i++) {
          const key = randomBytes(len)
          expect(partitionForKey(key, n)).toBe(kafkajs({topic: '', partitionMetadata, message: {key, value: null}}))
        }
      }
    }
  })

  it('rejects a non-positive partition count', () => {
    expect(() => partitionForKey('a', 0)).toThrow(RangeError)
  })
})

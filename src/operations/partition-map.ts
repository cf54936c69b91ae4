import {Partitioners} from 'kafkajs'

/**
 * Kafka's default partition for a key: toPositive(murmur2(key)) % partitions, as the Java client
 * computes it. kafkajs's DefaultPartitioner implements exactly that; we call it rather than
 * re-implementing murmur2, so a record placed here lands where a Java producer would put it.
 */
const partitioner = Partitioners.DefaultPartitioner()

export function partitionForKey(key: Buffer | string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`)
  const partitionMetadata = Array.from({length: partitions}, (_, partitionId) => ({partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0}))
  return partitioner({topic: '', partitionMetadata, message: {key, value: null}})
}

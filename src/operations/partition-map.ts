import {Partitioners} from 'kafkajs'

/**
 * Kafka's default partition for a key: toPositive(murmur2(key)) % partitions, as the Java client
 * computes it. kafkajs's DefaultPartitioner implements exactly that; we call it rather than
 * re-implementing murmur2, so a record placed here lands where a Java producer would put it.
 */
const partitioner = Partitioners.DefaultPartitioner()
/** The partitioner only reads the partition count from this: one array per count, not per record. */
const metadataByCount = new Map<number, {partitionId: number; leader: number; replicas: number[]; isr: number[]; partitionErrorCode: number}[]>()

export function partitionForKey(key: Buffer | string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`)
  let partitionMetadata = metadataByCount.get(partitions)
  if (!partitionMetadata) {
    partitionMetadata = Array.from({length: partitions}, (_, partitionId) => ({partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0}))
    metadataByCount.set(partitions, partitionMetadata)
  }
  return partitioner({topic: '', partitionMetadata, message: {key, value: null}})
}

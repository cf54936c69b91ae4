/**
 * Who uses a topic and how much it holds, observed only for the topics a plan touches with a risky
 * action. Kept apart from ClusterState: it changes every second (lag, timestamps), so it is not
 * part of the observed digest a saved plan is checked against.
 */
export interface GroupOnTopic {
  readonly groupId: string
  /** `classic`, `consumer` (KIP-848), `streams`, `share`. */
  readonly type: string
  /** As the coordinator reports it: Stable, Empty, PreparingRebalance, Assigning, ... */
  readonly state: string
  /** The partition assignor; Kafka Streams' classic groups use `stream`. */
  readonly assignor: string
  /** Members subscribed to or assigned this topic. */
  readonly members: number
  readonly clientIds: readonly string[]
  /** Committed offsets on this topic, by partition (only partitions with one). */
  readonly committed: readonly {readonly partition: number; readonly offset: number}[]
}

export interface PartitionActivity {
  readonly partition: number
  readonly earliest: number
  readonly latest: number
  /** Bytes of the largest replica (one copy of the data). */
  readonly sizeBytes: number
  /** The newest record's timestamp (MAX_TIMESTAMP), null when empty or not known. */
  readonly newestTimestamp: number | null
  /** For a retention cut: the first offset whose record is at or after the cutoff (`latest` when none is). */
  readonly keptFrom?: number
}

/** A part of a topic's activity the plan's principal may not read, and why (the verdicts then cannot rule it out). */
export interface UnreadActivity {
  readonly part: 'groups' | 'producers' | 'size'
  readonly reason: string
}

export interface TopicActivity {
  readonly topic: string
  /** What could not be read: the groups it lists may be only some, producers or size unknown. */
  readonly unread?: readonly UnreadActivity[]
  readonly partitions: readonly PartitionActivity[]
  readonly groups: readonly GroupOnTopic[]
  readonly producers: readonly {readonly producerId: string; readonly lastTimestamp: number; readonly partitions: readonly number[]}[]
  /** The timestamp (ms) a retention cut keeps records from, when the plan cuts this topic's retention. */
  readonly retentionCutoff?: number
}

export interface ObservedActivity {
  /** When it was read (ms since the epoch): windows and cutoffs count from here. */
  readonly observedAt: number
  readonly topics: readonly TopicActivity[]
  /** Broker settings that matter to the verdicts (offsets.retention.minutes), when read. */
  readonly offsetsRetentionMs?: number
}

/** What the plan asks to be observed for one topic. */
export interface ActivityRequest {
  readonly topic: string
  /** The retention.ms a planned cut sets; its records older than now − this are deleted. */
  readonly newRetentionMs?: number
}

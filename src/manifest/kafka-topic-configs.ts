/**
 * Apache Kafka 4.x topic-level configs with type, default and valid range, as declared by
 * `org.apache.kafka.storage.internals.log.LogConfig` (read from the 4.4.0 jars' ConfigDef).
 * The planner compares default-aware with this table: a key absent from desired state means
 * "Kafka's default". Defaults are written as DescribeConfigs reports them (strings).
 * Pure data: no I/O, safe to import anywhere.
 */
export const TOPIC_CONFIG_TYPES = ['int', 'long', 'double', 'boolean', 'string', 'list'] as const
export type TopicConfigType = (typeof TOPIC_CONFIG_TYPES)[number]

export interface TopicConfigDef {
  readonly type: TopicConfigType
  /** Kafka's built-in default, as a string; `''` for an empty list. */
  readonly default: string
  /** For `string`/`list`: the allowed values (each list element must be one). */
  readonly validValues?: readonly string[]
  /** Inclusive bounds for numeric types, as decimal strings so LONG bounds stay exact. */
  readonly min?: string
  readonly max?: string
  /** Values allowed outside [min, max] (e.g. gzip level -1 = codec default). */
  readonly alsoAllowed?: readonly string[]
  /** A regular expression the whole value must match (throttled-replica lists). */
  readonly pattern?: string
  readonly doc: string
}

const LONG_MAX = '9223372036854775807'
const INT_MAX = '2147483647'
const THROTTLED = '^(\\*|\\d+:\\d+(,\\d+:\\d+)*)?$'

export const TOPIC_CONFIGS: Readonly<Record<string, TopicConfigDef>> = {
  'cleanup.policy': {type: 'list', default: 'delete', validValues: ['compact', 'delete'], doc: 'delete old segments, compact by key, or both'},
  'compression.type': {type: 'string', default: 'producer', validValues: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], doc: 'final compression of the topic'},
  'compression.gzip.level': {type: 'int', default: '-1', min: '1', max: '9', alsoAllowed: ['-1'], doc: 'gzip level'},
  'compression.lz4.level': {type: 'int', default: '9', min: '1', max: '17', doc: 'lz4 level'},
  'compression.zstd.level': {type: 'int', default: '3', min: '-131072', max: '22', doc: 'zstd level'},
  'delete.retention.ms': {type: 'long', default: '86400000', min: '0', doc: 'how long delete tombstones are kept on compacted topics'},
  'errors.deadletterqueue.group.enable': {type: 'boolean', default: 'false', doc: 'share-group dead-letter queue'},
  'file.delete.delay.ms': {type: 'long', default: '60000', min: '0', doc: 'delay before deleting a file from disk'},
  'flush.messages': {type: 'long', default: LONG_MAX, min: '1', doc: 'fsync every N messages'},
  'flush.ms': {type: 'long', default: LONG_MAX, min: '0', doc: 'fsync interval'},
  'follower.replication.throttled.replicas': {type: 'list', default: '', pattern: THROTTLED, doc: 'partition:broker pairs throttled on the follower side, or *'},
  'index.interval.bytes': {type: 'int', default: '4096', min: '0', doc: 'offset index density'},
  'leader.replication.throttled.replicas': {type: 'list', default: '', pattern: THROTTLED, doc: 'partition:broker pairs throttled on the leader side, or *'},
  'local.retention.bytes': {type: 'long', default: '-2', min: '-2', doc: 'local bytes kept with tiered storage (-2 = retention.bytes)'},
  'local.retention.ms': {type: 'long', default: '-2', min: '-2', doc: 'local time kept with tiered storage (-2 = retention.ms)'},
  'max.compaction.lag.ms': {type: 'long', default: LONG_MAX, min: '1', doc: 'max time a message stays uncompacted'},
  'max.decompressed.message.bytes': {type: 'int', default: '2147483639', min: '1', max: '2147483639', doc: 'max decompressed batch size'},
  'max.message.bytes': {type: 'int', default: '1048588', min: '0', doc: 'largest record batch size'},
  'message.timestamp.after.max.ms': {type: 'long', default: '3600000', min: '0', doc: 'how far in the future a timestamp may be'},
  'message.timestamp.before.max.ms': {type: 'long', default: LONG_MAX, min: '0', doc: 'how far in the past a timestamp may be'},
  'message.timestamp.type': {type: 'string', default: 'CreateTime', validValues: ['CreateTime', 'LogAppendTime'], doc: 'which timestamp records carry'},
  'min.cleanable.dirty.ratio': {type: 'double', default: '0.5', min: '0', max: '1', doc: 'dirty ratio that triggers compaction'},
  'min.compaction.lag.ms': {type: 'long', default: '0', min: '0', doc: 'min time a message stays uncompacted'},
  'min.insync.replicas': {type: 'int', default: '1', min: '1', doc: 'replicas that must ack an acks=all write'},
  'preallocate': {type: 'boolean', default: 'false', doc: 'preallocate segment files'},
  'remote.copy.lag.bytes': {type: 'long', default: '-1', min: '-1', doc: 'tiered storage copy lag in bytes'},
  'remote.copy.lag.ms': {type: 'long', default: '0', min: '-1', doc: 'tiered storage copy lag in time'},
  'remote.log.copy.disable': {type: 'boolean', default: 'false', doc: 'stop copying to remote storage'},
  'remote.log.delete.on.disable': {type: 'boolean', default: 'false', doc: 'delete remote data when tiering is disabled'},
  'remote.storage.enable': {type: 'boolean', default: 'false', doc: 'tiered storage for this topic'},
  'retention.bytes': {type: 'long', default: '-1', doc: 'max partition size before old segments are deleted (-1 = none)'},
  'retention.ms': {type: 'long', default: '604800000', min: '-1', doc: 'how long records are kept (-1 = forever)'},
  'segment.bytes': {type: 'int', default: '1073741824', min: '1048576', doc: 'segment file size'},
  'segment.index.bytes': {type: 'int', default: '10485760', min: '4', doc: 'offset index size'},
  'segment.jitter.ms': {type: 'long', default: '0', min: '0', doc: 'random jitter on segment roll'},
  'segment.ms': {type: 'long', default: '604800000', min: '1', doc: 'time after which a segment is rolled'},
  'unclean.leader.election.enable': {type: 'boolean', default: 'false', doc: 'allow out-of-sync replicas to become leader'},
}

export const TOPIC_CONFIG_KEYS: readonly string[] = Object.keys(TOPIC_CONFIGS)

const INT_MIN = '-2147483648'
const LONG_MIN = '-9223372036854775808'

/**
 * Checks one value against the table; returns a problem description or undefined.
 * Never echoes the value for unknown types: configs are not secret, but keep messages short.
 */
export function checkTopicConfigValue(key: string, value: string): string | undefined {
  const def = TOPIC_CONFIGS[key]
  if (!def) return `unknown topic config "${key}"`
  switch (def.type) {
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(value)) return `${key} must be an integer, got "${value}"`
      const n = BigInt(value)
      const lo = BigInt(def.type === 'int' ? INT_MIN : LONG_MIN)
      const hi = BigInt(def.type === 'int' ? INT_MAX : LONG_MAX)
      if (n < lo || n > hi) return `${key} does not fit in a ${def.type === 'int' ? '32' : '64'}-bit integer`
      if (def.alsoAllowed?.includes(value)) return undefined
      return rangeProblem(key, def, n, (s) => BigInt(s))
    }
    case 'double': {
      const n = Number(value)
      if (value.trim() === '' || !Number.isFinite(n)) return `${key} must be a number, got "${value}"`
      return rangeProblem(key, def, n, Number)
    }
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : `${key} must be true or false, got "${value}"`
    case 'string':
      return def.validValues && !def.validValues.includes(value)
        ? `${key} must be one of ${def.validValues.join(', ')}, got "${value}"`
        : undefined
    case 'list': {
      if (def.pattern && !new RegExp(def.pattern).test(value)) return `${key} must look like "0:1,1:2" or "*", got "${value}"`
      if (!def.validValues) return undefined
      const items = value.split(',').map((s) => s.trim())
      const bad = items.filter((i) => !def.validValues!.includes(i))
      return bad.length > 0 ? `${key} values must be among ${def.validValues.join(', ')}, got "${value}"` : undefined
    }
  }
}

function rangeProblem<T extends number | bigint>(key: string, def: TopicConfigDef, n: T, conv: (s: string) => T): string | undefined {
  const lo = def.min === undefined ? undefined : conv(def.min)
  const hi = def.max === undefined ? undefined : conv(def.max)
  const bounds = def.min !== undefined && def.max !== undefined ? `${def.min}..${def.max}` : def.min !== undefined ? `>= ${def.min}` : `<= ${def.max}`
  const range = `${bounds}${def.alsoAllowed ? ` or ${def.alsoAllowed.join(', ')}` : ''}`
  if ((lo !== undefined && n < lo) || (hi !== undefined && n > hi)) return `${key} is out of range: ${n} (allowed ${range})`
  return undefined
}

/** Manifest values may be YAML numbers/booleans/lists; Kafka wants strings. */
export function configValueToString(v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => String(x)).join(',')
  return String(v)
}

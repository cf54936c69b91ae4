import {Reader, Writer} from './wire.js'

/**
 * The consumer protocol's payloads inside JoinGroup metadata (ConsumerProtocolSubscription) and
 * SyncGroup assignments (ConsumerProtocolAssignment), versions 0–3: an int16 version, then the
 * fields of that version, never flexible. Groups of protocol type `consumer` carry them so that
 * Kafka's tools (`kafka-consumer-groups.sh --describe`) and other clients read the members'
 * topics and partitions. A version newer than 3 is read as 3, as Kafka does: later versions only
 * append fields.
 */
export const CONSUMER_PROTOCOL_MAX_VERSION = 3

export interface TopicPartitions {
  readonly topic: string
  readonly partitions: readonly number[]
}

export interface ConsumerSubscription {
  readonly version: number
  readonly topics: readonly string[]
  readonly userData: Buffer | null
  /** v1+. */
  readonly ownedPartitions: readonly TopicPartitions[]
  /** v2+; -1 when absent. */
  readonly generationId: number
  /** v3+. */
  readonly rackId: string | null
}

export interface ConsumerAssignment {
  readonly version: number
  readonly assignedPartitions: readonly TopicPartitions[]
  readonly userData: Buffer | null
}

function writeTopicPartitions(w: Writer, list: readonly TopicPartitions[]): void {
  w.array(list, (w, t) => w.string(t.topic).array(t.partitions, (w, p) => w.int32(p)))
}

function readTopicPartitions(r: Reader): TopicPartitions[] {
  return r.array((r) => ({topic: r.string(), partitions: r.array((r) => r.int32())}))
}

function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 0 || version > CONSUMER_PROTOCOL_MAX_VERSION) {
    throw new RangeError(`consumer protocol version ${version} is not one of 0–${CONSUMER_PROTOCOL_MAX_VERSION}`)
  }
}

export function encodeSubscription(s: Partial<ConsumerSubscription> & {readonly version: number; readonly topics: readonly string[]}): Buffer {
  checkVersion(s.version)
  const w = new Writer(false)
  w.int16(s.version)
  w.array(s.topics, (w, t) => w.string(t))
  if (s.userData === null) w.int32(-1)
  else w.bytes(s.userData ?? Buffer.alloc(0))
  if (s.version >= 1) writeTopicPartitions(w, s.ownedPartitions ?? [])
  if (s.version >= 2) w.int32(s.generationId ?? -1)
  if (s.version >= 3) w.string(s.rackId ?? null)
  return w.toBuffer()
}

export function decodeSubscription(buf: Buffer): ConsumerSubscription {
  const r = new Reader(buf, false)
  const version = r.int16()
  if (version < 0) throw new RangeError(`consumer protocol subscription version ${version}`)
  const read = Math.min(version, CONSUMER_PROTOCOL_MAX_VERSION)
  const topics = r.array((r) => r.string())
  const userData = copy(r.nullableBytes())
  const ownedPartitions = read >= 1 ? readTopicPartitions(r) : []
  const generationId = read >= 2 ? r.int32() : -1
  const rackId = read >= 3 ? r.nullableString() : null
  return {version, topics, userData, ownedPartitions, generationId, rackId}
}

export function encodeAssignment(a: {readonly version: number; readonly assignedPartitions: readonly TopicPartitions[]; readonly userData?: Buffer | null}): Buffer {
  checkVersion(a.version)
  const w = new Writer(false)
  w.int16(a.version)
  writeTopicPartitions(w, a.assignedPartitions)
  if (a.userData === null) w.int32(-1)
  else w.bytes(a.userData ?? Buffer.alloc(0))
  return w.toBuffer()
}

/** An empty buffer (what the coordinator hands a member the leader gave nothing) is an empty assignment. */
export function decodeAssignment(buf: Buffer): ConsumerAssignment {
  if (buf.length === 0) return {version: 0, assignedPartitions: [], userData: null}
  const r = new Reader(buf, false)
  const version = r.int16()
  if (version < 0) throw new RangeError(`consumer protocol assignment version ${version}`)
  const assignedPartitions = readTopicPartitions(r)
  const userData = copy(r.nullableBytes())
  return {version, assignedPartitions, userData}
}

/** The reader hands out views into the message; user data outlives it. */
function copy(b: Buffer | null): Buffer | null {
  return b === null ? null : Buffer.from(b)
}

import type {ApiDefinition} from './api.js'

/**
 * DescribeLogDirs (35) v1–v4: v2 flexible, v3 adds a top-level error code, v4 total/usable bytes.
 * v0 is gone from Kafka 4. A broker answers for its own log dirs only.
 */
export interface DescribeLogDirsRequest {
  /** null: every partition on the broker. */
  readonly topics: readonly {readonly topic: string; readonly partitions: readonly number[]}[] | null
}

export interface DescribeLogDirsResponse {
  readonly throttleTimeMs: number
  readonly errorCode: number
  readonly results: readonly {
    errorCode: number
    logDir: string
    topics: readonly {name: string; partitions: readonly {partition: number; size: bigint; offsetLag: bigint; isFuture: boolean}[]}[]
    totalBytes: bigint
    usableBytes: bigint
  }[]
}

export const DescribeLogDirs: ApiDefinition<DescribeLogDirsRequest, DescribeLogDirsResponse> = {
  apiKey: 35,
  name: 'DescribeLogDirs',
  minVersion: 1,
  maxVersion: 4,
  firstFlexibleVersion: 2,
  encode(w, _version, req) {
    w.array(req.topics, (w, t) => w.string(t.topic).array(t.partitions, (w, p) => w.int32(p)).tags()).tags()
  },
  decode(r, version) {
    const throttleTimeMs = r.int32()
    const errorCode = version >= 3 ? r.int16() : 0
    const results = r.array((r) => {
      const ec = r.int16()
      const logDir = r.string()
      const topics = r.array((r) => {
        const name = r.string()
        const partitions = r.array((r) => {
          const p = {partition: r.int32(), size: r.int64(), offsetLag: r.int64(), isFuture: r.bool()}
          r.tags()
          return p
        })
        r.tags()
        return {name, partitions}
      })
      const totalBytes = version >= 4 ? r.int64() : -1n
      const usableBytes = version >= 4 ? r.int64() : -1n
      r.tags()
      return {errorCode: ec, logDir, topics, totalBytes, usableBytes}
    })
    r.tags()
    return {throttleTimeMs, errorCode, results}
  },
}

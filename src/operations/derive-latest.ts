import {join} from 'node:path'
import {StreamctlError} from '../errors.js'
import {createKafka, unreachable} from './connection.js'
import {deadLetterRecord, describeRecord} from './dead-letter.js'
import {defaultJobName, outputTopics, type CommonJobOptions} from './job-options.js'
import {decodeValue} from './record-function.js'
import {lastHeader, type InputRecord, type JobReport, type OutputRecord, type Stage, type StageResult} from './record.js'
import {readTopicOnce} from './read-topic.js'
import {jobDefinition} from './job-definition.js'
import {RecordError} from './job-errors.js'
import {jobGroupId, runJob} from './runner.js'
import {LatestStateStore, positionsMatch} from './state-store.js'
import {prepareDerivedTopics} from './topics.js'
import {parseVersionedKey} from './versioned-key.js'

/**
 * `derive latest`: a versioned topic (keys `<service>-<entity>-<id>-v<version>`) into a compacted
 * table keyed by entity, holding the highest version seen. A version that arrives after a higher
 * one (late, replayed, from another partition) is skipped, so every key's writes to the table are
 * strictly increasing and compaction keeps the latest.
 *
 * Runs one chunk at a time across partitions (`serial`): the check "newer than the stored version" and the
 * write must not interleave between partitions. An entity's versions are spread over the source's
 * partitions (each version has a key of its own), so two processes would each see part of them
 * with a store of their own: a second process of the same job is refused (RunnerOptions.singleProcess).
 */
export const VERSION_HEADER = 'streamctl.version'

export interface DeriveLatestOptions extends CommonJobOptions {
  readonly from: string
  readonly to: string
  readonly partitions?: number
  /** Take the version from this JSON value field instead of the key's `-v<version>`. */
  readonly versionField?: string
  readonly deadLetter?: string
  /** Default `.streamctl/state/<job>`. */
  readonly stateDir?: string
}

export interface DeriveLatestReport extends JobReport {
  readonly stateRebuilt: boolean
  readonly entities: number
}

export function entityAndVersion(r: InputRecord, versionField?: string): {entity: string; version: number} {
  if (r.key === null) throw new Error('record has no key')
  const key = r.key.toString('utf8')
  const parsed = parseVersionedKey(key)
  if (versionField) {
    const v = decodeValue(r.value) as Record<string, unknown> | null
    const raw = v && typeof v === 'object' ? v[versionField] : undefined
    const version = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw
    if (typeof version !== 'number' || !Number.isSafeInteger(version)) throw new Error(`value field '${versionField}' is not an integer version`)
    return {entity: parsed?.entityKey ?? key, version}
  }
  if (!parsed) throw new Error(`key '${key.slice(0, 200)}' is not a versioned key (<service>-<entity>-<id>-v<version>)`)
  return {entity: parsed.entityKey, version: parsed.version}
}

class LatestStage implements Stage {
  /** Versions written in the open transaction (one at a time: the job is serial); they reach the store at commit, and go when it is given up. */
  #pending = new Map<string, number>()
  constructor(private readonly o: DeriveLatestOptions, private readonly job: string, private readonly store: LatestStateStore) {}

  reset(): void {
    this.#pending = new Map()
  }

  process(records: readonly InputRecord[]): StageResult {
    const out: OutputRecord[] = []
    let written = 0
    let deadLettered = 0
    let skipped = 0
    for (const r of records) {
      let ev
      try {
        ev = entityAndVersion(r, this.o.versionField)
      } catch (err) {
        if (!this.o.deadLetter) throw new RecordError(`${describeRecord(r)}: ${(err as Error).message} (no --dead-letter topic set, so the job stops here)`)
        out.push(deadLetterRecord(this.o.deadLetter, this.job, r, err))
        deadLettered++
        continue
      }
      const current = this.#pending.get(ev.entity) ?? this.store.version(ev.entity) ?? -1
      if (ev.version <= current) {
        skipped++
        continue
      }
      this.#pending.set(ev.entity, ev.version)
      out.push({topic: this.o.to, key: ev.entity, value: r.value, timestamp: r.timestamp, headers: [...r.headers.filter((h) => h[0] !== VERSION_HEADER), [VERSION_HEADER, String(ev.version)]]})
      written++
    }
    return {out, written, deadLettered, skipped}
  }

  afterCommit(records: readonly InputRecord[], _result: StageResult, nextOffset: number): void {
    this.store.commit(this.#pending, new Map([[records[0]!.partition, nextOffset]]))
    this.#pending = new Map()
  }
}

export async function deriveLatest(o: DeriveLatestOptions): Promise<DeriveLatestReport> {
  if (o.from === o.to) throw new StreamctlError('USAGE', 'source and target topic are the same')
  const job = o.job ?? defaultJobName('latest', o.from, o.to)
  const kafka = createKafka(o.connection)
  const admin = kafka.admin()
  const store = new LatestStateStore(o.stateDir ?? join('.streamctl', 'state', job))
  let stateRebuilt = false
  try {
    try {
      await admin.connect().catch((err) => Promise.reject(unreachable(o.connection, err)))
      await prepareDerivedTopics(admin, {...o, label: o.connection.label})
      const res = await admin.fetchOffsets({groupId: jobGroupId(job), topics: [o.from]})
      const committed = new Map((res[0]?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)]))
      if (store.meta('output') !== o.to || !positionsMatch(store.positions(), committed)) {
        // The local store is behind or ahead of what Kafka committed: regenerate it from the output log.
        o.onEvent?.({type: 'status', message: `rebuilding state from ${o.to}`})
        store.reset({output: o.to, source: o.from})
        await readTopicOnce(o.connection, admin, o.to, (batch) => {
          const versions = new Map<string, number>()
          for (const r of batch) {
            const v = Number(lastHeader(r.headers, VERSION_HEADER)?.toString())
            if (r.key !== null && Number.isSafeInteger(v)) {
              const k = r.key.toString('utf8')
              versions.set(k, Math.max(v, versions.get(k) ?? -1))
            }
          }
          store.commit(versions, new Map())
        })
        store.commit(new Map(), committed)
        stateRebuilt = true
      }
    } finally {
      await admin.disconnect()
    }
    const stage = new LatestStage(o, job, store)
    const report = await runJob({
      job, source: {kafka, connection: o.connection, topic: o.from}, target: {kafka, connection: o.connection}, crossCluster: false, stage, outputTopics: outputTopics(o),
      mode: o.follow ? 'follow' : 'bounded', signal: o.signal, onEvent: o.onEvent, serial: true, singleProcess: true, resetStage: () => stage.reset(),
      deadLetter: o.deadLetter, compression: o.compression, noGaps: o.noGaps, restart: o.restart, definition: await jobDefinition('derive-latest', o),
    })
    return {...report, stateRebuilt, entities: store.count()}
  } finally {
    store.close()
  }
}

import {deadLetterRecord, describeRecord} from './dead-letter.js'
import type {InputRecord, OutputRecord, Stage, StageResult} from './record.js'
import {StreamctlError} from '../errors.js'
import {RecordError} from './job-errors.js'

/**
 * A stage built from a per-record function: each record maps to zero or more outputs. A record
 * whose function throws is dead-lettered when a dead-letter topic is set; otherwise the job stops
 * with an error naming topic[partition]@offset and nothing of that batch is written. A
 * StreamctlError is not the record's fault and goes to the runner (retried when retriable).
 */
export type RecordFn = (r: InputRecord) => OutputRecord | OutputRecord[] | Promise<OutputRecord | OutputRecord[]>

export function recordStage(job: string, fn: RecordFn, deadLetterTopic?: string): Stage {
  return {
    async process(records: readonly InputRecord[]): Promise<StageResult> {
      const out: OutputRecord[] = []
      let written = 0
      let deadLettered = 0
      let skipped = 0
      for (const r of records) {
        let produced: OutputRecord | OutputRecord[]
        try {
          // Only await when the function is async: a microtask per record is measurable at 1M records.
          const res = fn(r)
          produced = isPromise(res) ? await res : res
        } catch (err) {
          // A StreamctlError is about the job's surroundings (the registry unreachable or refusing
          // its credentials), not this record: dead-lettering would send every record after it.
          if (err instanceof StreamctlError) throw err
          if (!deadLetterTopic) {
            throw new RecordError(`${describeRecord(r)}: ${(err as Error).message ?? String(err)} (no --dead-letter topic set, so the job stops here)`)
          }
          out.push(deadLetterRecord(deadLetterTopic, job, r, err))
          deadLettered++
          continue
        }
        // A one-to-one function returns the record itself: no array per record.
        if (!Array.isArray(produced)) {
          out.push(produced)
          written++
          continue
        }
        if (produced.length === 0) skipped++
        written += produced.length
        for (const o of produced) out.push(o)
      }
      return {out, written, deadLettered, skipped}
    },
  }
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as {then?: unknown}).then === 'function'
}

/**
 * Typed progress events of a running job: the command renders them (listr2), the runner only
 * emits. Rates are over a sliding window so the ETA follows the current pace, not the average.
 */
export interface ProgressEvent {
  readonly type: 'progress'
  readonly read: number
  readonly written: number
  readonly deadLettered: number
  readonly skipped: number
  readonly recordsPerSecond: number
  /** Records between the committed position and the end (bounded) or the high watermark (follow), over assigned partitions. */
  readonly lag: number
  /** Seconds to the end offsets at the current pace; undefined in follow mode or before a rate is known. */
  readonly etaSeconds?: number
  readonly partitionsAssigned: number
  readonly partitionsDone: number
}

export interface StatusEvent {
  readonly type: 'status'
  readonly message: string
}

export type JobEvent = ProgressEvent | StatusEvent

export class RateMeter {
  readonly #windowMs: number
  readonly #samples: {t: number; n: number}[] = []

  constructor(windowMs = 5000) {
    this.#windowMs = windowMs
  }

  /** `total` is the cumulative count at time `t` (ms). */
  sample(t: number, total: number): void {
    this.#samples.push({t, n: total})
    while (this.#samples.length > 2 && this.#samples[0]!.t < t - this.#windowMs) this.#samples.shift()
  }

  perSecond(): number {
    if (this.#samples.length < 2) return 0
    const a = this.#samples[0]!
    const b = this.#samples[this.#samples.length - 1]!
    return b.t > a.t ? ((b.n - a.n) * 1000) / (b.t - a.t) : 0
  }
}

export function etaSeconds(lag: number, perSecond: number): number | undefined {
  if (lag <= 0) return 0
  return perSecond > 0 ? Math.ceil(lag / perSecond) : undefined
}

export function formatProgress(e: ProgressEvent): string {
  const eta = e.etaSeconds === undefined ? '' : `, ETA ${e.etaSeconds}s`
  const dl = e.deadLettered ? `, ${e.deadLettered} dead-lettered` : ''
  return `${e.read} read, ${e.written} written${dl} · ${Math.round(e.recordsPerSecond)} rec/s · lag ${e.lag}${eta} · partitions ${e.partitionsDone}/${e.partitionsAssigned} done`
}

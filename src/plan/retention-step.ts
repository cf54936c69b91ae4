/**
 * A large retention cut deletes data at once and can stall the log cleaner; with a step factor
 * it is applied over several runs, each cutting by at most `step`. Re-running `apply` continues,
 * because the next plan sees the intermediate value as `before`.
 */
export interface RetentionStep {
  readonly value: number
  /** Applies still needed after this one to reach the final value. */
  readonly remainingSteps: number
}

export function stepRetention(before: number, target: number, step: number | undefined): RetentionStep | undefined {
  if (step === undefined || !(step > 1) || before <= 0 || target <= 0 || before / target <= step) return undefined
  let x = before
  let remaining = -1
  let first = before
  while (x / target > step) {
    x = Math.ceil(x / step)
    if (remaining === -1) first = x
    remaining++
  }
  return {value: first, remainingSteps: remaining + 1}
}

export const RETENTION_KEYS = ['retention.ms', 'retention.bytes', 'local.retention.ms', 'local.retention.bytes'] as const

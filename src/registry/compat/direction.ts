/**
 * Every compatibility level is made of two one-way checks. `backward`: the new schema reads data
 * written with the old one; `forward`: the old schema reads data written with the new one.
 * Checkers receive (reader, writer) and the direction only to phrase their reasons in terms of
 * what changed from the old schema to the new one.
 */
export type Direction = 'backward' | 'forward'

export interface Pair<T> {
  readonly reader: T
  readonly writer: T
  readonly direction: Direction
}

/** Phrases a change seen from the reader's side as a change from old to new. */
export function phrase(direction: Direction, whenReaderIsNew: string, whenReaderIsOld: string): string {
  return direction === 'backward' ? whenReaderIsNew : whenReaderIsOld
}

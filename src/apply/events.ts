import type {Action} from '../plan/index.js'
import type {VisibilityReport} from './await-visible.js'

/**
 * What the executor reports while it runs. It prints nothing itself: the CLI subscribes
 * (listr2 on a TTY, plain lines otherwise, JSON with --json).
 */
export const APPLY_EVENT_TYPES = ['batch.start', 'action.done', 'action.failed', 'action.skipped', 'reassignment.progress', 'reassignment.batch', 'visibility.wait', 'visibility.done'] as const
export type ApplyEventType = (typeof APPLY_EVENT_TYPES)[number]

export type ApplyEvent =
  | {readonly type: 'batch.start'; readonly kind: Action['kind']; readonly actions: readonly string[]}
  | {readonly type: 'action.done'; readonly action: string}
  | {readonly type: 'action.failed'; readonly action: string; readonly error: string}
  | {readonly type: 'action.skipped'; readonly action: string; readonly why: string}
  | {readonly type: 'reassignment.progress'; readonly topic: string; readonly remainingPartitions: number}
  /** A placement move submits batch `batch` (1-based) of `batches`: `partitions` of `topic`, copying `bytes`. */
  | {readonly type: 'reassignment.batch'; readonly topic: string; readonly batch: number; readonly batches: number; readonly partitions: readonly number[]; readonly bytes: number}
  /** After the changes: waiting until every broker reads them back (see await-visible.ts). */
  | {readonly type: 'visibility.wait'; readonly brokers: number; readonly topics: number; readonly configs: number; readonly acls: number}
  | ({readonly type: 'visibility.done'} & VisibilityReport)

export type ApplyEventListener = (event: ApplyEvent) => void

export const ACTION_OUTCOMES = ['done', 'failed', 'skipped', 'validated'] as const
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number]

export interface ActionResult {
  readonly id: string
  readonly kind: Action['kind']
  readonly outcome: ActionOutcome
  readonly error?: string
  readonly why?: string
}

export interface ApplyResult {
  /** True when every action is done (or validated, in validate-only mode). */
  readonly ok: boolean
  readonly results: readonly ActionResult[]
  readonly counts: {readonly done: number; readonly failed: number; readonly skipped: number; readonly validated: number}
  /** Whether every broker read back the done changes before apply returned (absent when nothing was waited for). */
  readonly visibility?: VisibilityReport
}

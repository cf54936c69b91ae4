import {randomUUID} from 'node:crypto'
import type {Admin, Kafka} from 'kafkajs'
import type {ActionOutcome, ApplyEvent} from './events.js'
import {currentIdentity} from './identity.js'
import {InternalLog} from './internal-log.js'

export const AUDIT_TOPIC = '_streamctl_audit'
/** `interrupted`: the apply stopped without recording its end (killed); the next lock holder says so. */
export const AUDIT_RESULTS = ['applied', 'failed', 'no-changes', 'interrupted'] as const
export type AuditResult = (typeof AUDIT_RESULTS)[number]
/** start: before the first change; progress: the actions of finished batches; end: the result. */
export const AUDIT_PHASES = ['start', 'progress', 'end'] as const
export type AuditPhase = (typeof AUDIT_PHASES)[number]

export interface AuditAction {
  readonly id: string
  readonly outcome: ActionOutcome
  readonly error?: string
}

export interface AuditRecord {
  readonly at: string
  readonly user: string
  readonly host: string
  readonly pid?: number
  readonly environment: string
  readonly clusterId: string
  readonly planDigest: string
  /** Links the start, progress and end records of one apply (absent in records of older versions: one record each). */
  readonly applyId?: string
  /** Absent in records of older versions, which wrote only an end record. */
  readonly phase?: AuditPhase
  /** End records only (and records of older versions). */
  readonly result?: AuditResult
  /** start: total planned; end: the counts of the whole apply. */
  readonly actions?: {readonly total: number; readonly done: number; readonly failed: number}
  /** Progress records: the actions of finished batches, with their outcome. */
  readonly applied?: readonly AuditAction[]
  /** The error message of a failed or interrupted apply (never contains secrets: errors are built from names). */
  readonly error?: string
  readonly streamctlVersion?: string
}

/** One apply as `history` shows it: its start, the actions it applied, and its end. */
export interface AppliedEntry {
  readonly applyId: string
  readonly environment: string
  readonly clusterId: string
  readonly user: string
  readonly host: string
  readonly pid?: number
  /** When it started (for older records: when it ended). */
  readonly at: string
  readonly endedAt?: string
  /** `unfinished`: a start with no end yet: still running, or killed and not yet closed by the next lock holder. */
  readonly result: AuditResult | 'unfinished'
  readonly planDigest: string
  readonly actions: {readonly total: number; readonly done: number; readonly failed: number}
  readonly applied: readonly AuditAction[]
  readonly error?: string
}

/** Progress records carry at most this many actions, so a record stays far below Kafka's 1 MB default. */
const ACTIONS_PER_RECORD = 1000

/** Folds audit records (oldest first) into one entry per apply, oldest first (pure). */
export function foldApplies(records: readonly AuditRecord[]): AppliedEntry[] {
  const byId = new Map<string, {start?: AuditRecord; end?: AuditRecord; applied: AuditAction[]; first: AuditRecord}>()
  let legacy = 0
  for (const r of records) {
    if (!r) continue
    const id = r.applyId ?? `legacy-${legacy++}`
    let e = byId.get(id)
    if (!e) byId.set(id, (e = {applied: [], first: r}))
    const phase = r.phase ?? 'end'
    if (phase === 'start') e.start = r
    else if (phase === 'end') e.end = r
    if (r.applied) e.applied.push(...r.applied)
  }
  return [...byId.entries()].map(([applyId, e]): AppliedEntry => {
    const head = e.start ?? e.first
    const total = e.end?.actions?.total ?? e.start?.actions?.total ?? 0
    const counted = {
      total,
      done: e.end?.actions?.done ?? e.applied.filter((a) => a.outcome === 'done').length,
      failed: e.end?.actions?.failed ?? e.applied.filter((a) => a.outcome === 'failed').length,
    }
    const error = e.end?.error
    return {
      applyId,
      environment: head.environment,
      clusterId: head.clusterId,
      user: head.user,
      host: head.host,
      ...(head.pid !== undefined ? {pid: head.pid} : {}),
      at: head.at,
      ...(e.end ? {endedAt: e.end.at} : {}),
      result: e.end?.result ?? 'unfinished',
      planDigest: head.planDigest,
      actions: counted,
      applied: e.applied,
      ...(error ? {error} : {}),
    }
  })
}

/** The audit records of one apply in progress: start, then progress per finished batch, then end. */
export interface AuditSession {
  readonly applyId: string
  /** Feed it the executor's events; finished batches are recorded as they complete. */
  onEvent(event: ApplyEvent): void
  end(result: AuditResult, counts: {total: number; done: number; failed: number}, error?: string): Promise<void>
}

type AuditBase = Pick<AuditRecord, 'environment' | 'clusterId' | 'planDigest' | 'streamctlVersion'>

/**
 * The audit trail in a compacted internal topic. Keys are unique (environment/apply/sequence), so
 * compaction never removes a record; it only keeps the topic eligible for the same tooling as
 * other compacted datasets. An apply writes a start record before its first change, a progress
 * record per finished batch (the actions and their outcomes), and an end record; an apply killed
 * on the way gets its end record (`interrupted`) from the next holder of the cluster's lock.
 */
export class AuditLog {
  private readonly log: InternalLog<AuditRecord>

  constructor(
    kafka: Kafka,
    private readonly admin: Admin,
  ) {
    this.log = new InternalLog(kafka, {
      name: AUDIT_TOPIC,
      config: {'cleanup.policy': 'compact', 'retention.ms': '-1', 'message.timestamp.type': 'LogAppendTime'},
    })
  }

  /**
   * Creates the audit topic if needed. Apply calls it before making changes: created afterwards,
   * on a single broker it would queue behind the partitions just created (seconds for thousands).
   */
  prepare(): Promise<void> {
    return this.log.ensure(this.admin)
  }

  /** A one-record apply (nothing to change): start and end at once. */
  async append(entry: AuditBase & {result: AuditResult; actions: {total: number; done: number; failed: number}; error?: string}): Promise<AuditRecord> {
    await this.log.ensure(this.admin)
    const applyId = randomUUID()
    const start = this.record({...entry, applyId, phase: 'start', actions: {total: entry.actions.total, done: 0, failed: 0}})
    const end = this.record({...entry, applyId, phase: 'end'})
    const w = await this.log.writer()
    try {
      await w.append(`${entry.environment}/${applyId}/0`, start)
      await w.append(`${entry.environment}/${applyId}/1`, end)
    } finally {
      await w.close()
    }
    return end
  }

  /** Writes the start record and returns the session that records the rest of this apply. */
  async begin(base: AuditBase & {total: number}): Promise<AuditSession> {
    await this.log.ensure(this.admin)
    const applyId = randomUUID()
    const writer = await this.log.writer()
    let seq = 0
    const key = () => `${base.environment}/${applyId}/${seq++}`
    const {total, ...rest} = base
    await writer.append(key(), this.record({...rest, applyId, phase: 'start', actions: {total, done: 0, failed: 0}}))
    let pending: AuditAction[] = []
    // Appends are chained so records keep their order; a failed audit write fails the end() call.
    let chain: Promise<void> = Promise.resolve()
    const flush = () => {
      while (pending.length) {
        const applied = pending.slice(0, ACTIONS_PER_RECORD)
        pending = pending.slice(ACTIONS_PER_RECORD)
        const rec = this.record({...rest, applyId, phase: 'progress', applied})
        const k = key()
        chain = chain.then(() => writer.append(k, rec))
      }
    }
    return {
      applyId,
      onEvent: (e) => {
        if (e.type === 'batch.start') flush()
        else if (e.type === 'action.done') pending.push({id: e.action, outcome: 'done'})
        else if (e.type === 'action.failed') pending.push({id: e.action, outcome: 'failed', error: e.error})
        else if (e.type === 'action.skipped') pending.push({id: e.action, outcome: 'skipped'})
        if (pending.length >= ACTIONS_PER_RECORD) flush()
      },
      end: async (result, counts, error) => {
        flush()
        try {
          await chain
          await writer.append(key(), this.record({...rest, applyId, phase: 'end', result, actions: counts, ...(error ? {error} : {})}))
        } finally {
          await writer.close()
        }
      },
    }
  }

  /**
   * Ends every apply of `clusterId` that has a start and no end: only the holder of the cluster's
   * lock calls it, so none of them can still be running (their lease expired or was broken).
   */
  async closeInterrupted(clusterId: string, why: string): Promise<AppliedEntry[]> {
    const open = foldApplies(await this.records()).filter((a) => a.result === 'unfinished' && a.clusterId === clusterId)
    if (open.length === 0) return []
    const writer = await this.log.writer()
    try {
      for (const a of open) {
        await writer.append(`${a.environment}/${a.applyId}/closed`, this.record({
          environment: a.environment, clusterId: a.clusterId, planDigest: a.planDigest, applyId: a.applyId, phase: 'end', result: 'interrupted',
          actions: {total: a.actions.total, done: a.actions.done, failed: a.actions.failed},
          error: `the apply by ${a.user}@${a.host}${a.pid !== undefined ? ` pid ${a.pid}` : ''} stopped without recording its end; ${why}`,
        }))
      }
    } finally {
      await writer.close()
    }
    return open
  }

  /** Every audit record, oldest first. */
  async records(): Promise<AuditRecord[]> {
    await this.log.ensure(this.admin)
    return (await this.log.readAll(this.admin)).map((r) => r.value).filter(Boolean)
  }

  /** Every apply of `environment` (all environments when omitted), oldest first. */
  async list(environment?: string): Promise<AppliedEntry[]> {
    return foldApplies(await this.records()).filter((a) => !environment || a.environment === environment)
  }

  private record(r: Omit<AuditRecord, 'at' | 'user' | 'host' | 'pid'>): AuditRecord {
    const {user, host, pid} = currentIdentity()
    return {at: new Date().toISOString(), user, host, pid, ...r}
  }
}

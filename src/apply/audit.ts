import {randomUUID} from 'node:crypto'
import type {Admin, Kafka} from 'kafkajs'
import {currentIdentity} from './identity.js'
import {InternalLog} from './internal-log.js'

export const AUDIT_TOPIC = '_streamctl_audit'
export const AUDIT_RESULTS = ['applied', 'failed', 'no-changes'] as const
export type AuditResult = (typeof AUDIT_RESULTS)[number]

export interface AuditRecord {
  readonly at: string
  readonly user: string
  readonly host: string
  readonly environment: string
  readonly clusterId: string
  readonly planDigest: string
  readonly result: AuditResult
  readonly actions: {readonly total: number; readonly done: number; readonly failed: number}
  /** The error message of a failed apply (never contains secrets: errors are built from names). */
  readonly error?: string
  readonly streamctlVersion?: string
}

/**
 * The audit trail: one record per apply in a compacted internal topic. Keys are unique
 * (environment/time/random), so compaction never removes a record; it only keeps the topic
 * eligible for the same tooling as other compacted datasets.
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

  async append(entry: Omit<AuditRecord, 'at' | 'user' | 'host'>): Promise<AuditRecord> {
    await this.log.ensure(this.admin)
    const {user, host} = currentIdentity()
    const record: AuditRecord = {at: new Date().toISOString(), user, host, ...entry}
    await this.log.append(`${entry.environment}/${record.at}/${randomUUID()}`, record)
    return record
  }

  /** Every audit record of `environment` (all environments when omitted), oldest first. */
  async list(environment?: string): Promise<AuditRecord[]> {
    await this.log.ensure(this.admin)
    const records = await this.log.readAll(this.admin)
    return records.map((r) => r.value).filter((r) => r && (!environment || r.environment === environment))
  }
}

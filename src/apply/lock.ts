import {randomUUID} from 'node:crypto'
import type {Admin, Kafka} from 'kafkajs'
import {StreamctlError} from '../errors.js'
import {currentIdentity} from './identity.js'
import {InternalLog} from './internal-log.js'
import {type LeaseEvent, type LeaseHolder, replayLease} from './lease.js'

export const LOCK_TOPIC = '_streamctl_locks'
export const DEFAULT_LEASE_MS = 30_000

export interface LockOptions {
  readonly leaseMs?: number
  /** How long to keep retrying while another apply holds the lock (0 = fail at once). */
  readonly waitMs?: number
  readonly command?: string
  /** Named in the holder, so a refused apply says which environment holds the cluster. */
  readonly environment?: string
}

/** The lock of one Kafka cluster: every environment pointing at it shares it. */
export function clusterLockName(clusterId: string): string {
  return `apply/cluster/${clusterId}`
}

/**
 * A cluster-wide lock built on Kafka itself: a lease in a single-partition internal topic.
 * Deletion-based retention (7 days) rather than compaction: compaction would drop the earlier
 * claims that decide who won.
 */
export class ClusterLock {
  private readonly log: InternalLog<LeaseEvent>
  private token: string | null = null
  private renewTimer: NodeJS.Timeout | null = null
  private readonly holder: LeaseHolder

  constructor(
    kafka: Kafka,
    private readonly admin: Admin,
    private readonly name: string,
    private readonly options: LockOptions = {},
  ) {
    this.log = new InternalLog(kafka, {
      name: LOCK_TOPIC,
      config: {'cleanup.policy': 'delete', 'retention.ms': String(7 * 24 * 3600 * 1000), 'message.timestamp.type': 'LogAppendTime'},
    })
    this.holder = {...currentIdentity(), command: options.command ?? 'apply', ...(options.environment ? {environment: options.environment} : {})}
  }

  /**
   * The lock of the cluster `admin` is connected to, named by its cluster id: two environment
   * names (or two spellings of one bootstrap) on the same cluster contend for the same lock.
   */
  static async forCluster(kafka: Kafka, admin: Admin, options: LockOptions = {}): Promise<ClusterLock> {
    const {clusterId} = await admin.describeCluster()
    const lock = new ClusterLock(kafka, admin, clusterLockName(clusterId), options)
    lock.clusterId = clusterId
    return lock
  }

  /** Set for the lock of a cluster (forCluster). */
  clusterId: string | undefined

  get lockName(): string {
    return this.name
  }

  get leaseMs(): number {
    return this.options.leaseMs ?? DEFAULT_LEASE_MS
  }

  async acquire(): Promise<void> {
    await this.log.ensure(this.admin)
    const deadline = Date.now() + (this.options.waitMs ?? 0)
    for (;;) {
      const token = randomUUID()
      const {offset} = await this.log.append(this.name, this.event('acquire', token))
      const state = replayLease(await this.log.readAll(this.admin, offset), this.name)
      if (state?.token === token) {
        this.token = token
        this.renewTimer = setInterval(() => void this.renew(), Math.max(1000, Math.floor(this.leaseMs / 3)))
        this.renewTimer.unref()
        return
      }
      if (Date.now() >= deadline || !state) {
        const h = state?.holder
        throw new StreamctlError(
          'LOCK_HELD',
          `another ${h?.command ?? 'apply'}${h?.environment ? ` (environment ${h.environment})` : ''} holds the lock "${this.name}"` +
            (h ? ` (${h.user}@${h.host} pid ${h.pid}, lease until ${new Date(state!.expiresAt).toISOString()})` : ''),
          {hint: 'wait for it to finish (--lock-wait 2m), or if it died, let the lease expire or run `streamctl unlock -e ENV`'},
        )
      }
      await new Promise((r) => setTimeout(r, Math.min(2000, Math.max(200, deadline - Date.now()))))
    }
  }

  async release(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer)
    this.renewTimer = null
    if (this.token) await this.log.append(this.name, this.event('release', this.token))
    this.token = null
  }

  /** The documented override for a stale lock left by a killed process. */
  async breakLock(): Promise<void> {
    await this.log.ensure(this.admin)
    await this.log.append(this.name, this.event('break', randomUUID()))
  }

  async current(): Promise<ReturnType<typeof replayLease>> {
    await this.log.ensure(this.admin)
    return replayLease(await this.log.readAll(this.admin), this.name)
  }

  private async renew(): Promise<void> {
    if (this.token) await this.log.append(this.name, this.event('renew', this.token)).catch(() => undefined)
  }

  private event(type: LeaseEvent['type'], token: string): LeaseEvent {
    return {type, lock: this.name, token, leaseMs: this.leaseMs, holder: this.holder}
  }
}

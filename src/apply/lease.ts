/**
 * The apply lock as a lease replayed from an ordered log (pure: no I/O). Every client appends its
 * claim to the same single-partition topic and replays the log up to its own record: since the
 * order and the broker timestamps are the same for everyone, everyone agrees on the holder.
 * Expiry uses broker timestamps (LogAppendTime), never a client's clock.
 */
export const LEASE_EVENT_TYPES = ['acquire', 'renew', 'release', 'break'] as const
export type LeaseEventType = (typeof LEASE_EVENT_TYPES)[number]

export interface LeaseHolder {
  readonly user: string
  readonly host: string
  readonly pid: number
  readonly command: string
  /** The environment the holder applies (several environments can share one cluster, and its lock). */
  readonly environment?: string
}

export interface LeaseEvent {
  readonly type: LeaseEventType
  readonly lock: string
  readonly token: string
  readonly leaseMs: number
  readonly holder: LeaseHolder
}

export interface LeaseState {
  readonly token: string
  readonly holder: LeaseHolder
  readonly acquiredAt: number
  readonly expiresAt: number
}

/** Replays `events` (in log order, with broker timestamps) and returns the holder after the last one. */
export function replayLease(events: readonly {timestamp: number; value: LeaseEvent}[], lock: string): LeaseState | null {
  let state = null as LeaseState | null
  for (const {timestamp, value: e} of events) {
    if (e.lock !== lock) continue
    const current: LeaseState | null = state
    const held = current !== null && timestamp < current.expiresAt
    switch (e.type) {
      case 'acquire':
        if (!held) state = {token: e.token, holder: e.holder, acquiredAt: timestamp, expiresAt: timestamp + e.leaseMs}
        break
      case 'renew':
        if (held && current.token === e.token) state = {...current, expiresAt: timestamp + e.leaseMs}
        break
      case 'release':
        if (current?.token === e.token) state = null
        break
      case 'break':
        state = null
        break
    }
  }
  return state
}

export const DEV_EVENT_TYPES = ['fetch', 'format', 'start', 'ready', 'stop', 'info'] as const
export type DevEventType = (typeof DEV_EVENT_TYPES)[number]

/** Progress of dev-cluster operations; the library prints nothing, commands render these. */
export interface DevEvent {
  readonly type: DevEventType
  readonly message: string
}

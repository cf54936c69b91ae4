import {stringify} from 'yaml'
import type {DesiredState} from '../model/desired.js'

export const RENDER_FORMATS = ['yaml', 'json'] as const
export type RenderFormat = (typeof RENDER_FORMATS)[number]

/**
 * The desired state as plain data for display: secrets become `<redacted>` (Secret.toJSON) and
 * source positions are dropped. Going through JSON is what guarantees no Secret survives.
 */
export function desiredToPlain(desired: DesiredState): unknown {
  return JSON.parse(JSON.stringify(desired, (k, v) => (k === 'location' ? undefined : v)))
}

export function renderDesired(desired: DesiredState, format: RenderFormat): string {
  const plain = desiredToPlain(desired)
  return format === 'json' ? JSON.stringify(plain, null, 2) : stringify(plain, {lineWidth: 0}).trimEnd()
}

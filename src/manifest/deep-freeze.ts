import {isSecret} from '../model/secret.js'

/** Desired state is shared by planner, renderers and checks: make accidental mutation throw. */
export function deepFreeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || isSecret(v) || Object.isFrozen(v)) return v
  for (const x of Object.values(v as object)) deepFreeze(x)
  return Object.freeze(v)
}

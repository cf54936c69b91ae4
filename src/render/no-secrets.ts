import {StreamctlError} from '../errors.js'
import {isSecret} from '../model/secret.js'

/**
 * A plan holds names and config values, never credentials; this guard makes a regression loud
 * instead of printing `<redacted>` (or worse) into a PR comment.
 */
export function assertNoSecrets(value: unknown, path = 'plan'): void {
  if (isSecret(value)) {
    throw new StreamctlError('INTERNAL', `a secret reached the plan at ${path}`, {hint: 'this is a bug in streamctl; please report it'})
  }
  if (Array.isArray(value)) value.forEach((v, i) => assertNoSecrets(v, `${path}[${i}]`))
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertNoSecrets(v, `${path}.${k}`)
  }
}

/**
 * Value normalisation for default-aware comparison: the same setting can be spelled differently
 * by a manifest and by the broker ("604800000" vs "604800000.0", "True" vs "true",
 * "compact,delete" vs "delete, compact"). Only spellings Kafka itself treats as equal are folded:
 * booleans (ConfigDef parses them ignoring case), numbers, and list order. Enumerated strings
 * (compression.type, …) are compared exactly — a case slip is an invalid value for the manifest
 * validator to report, not something to hide as "no change".
 */

/** Comma-separated list keys whose order Kafka ignores. */
const SET_KEYS = new Set(['cleanup.policy', 'leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'])

const INTEGRAL = /^([+-]?)0*(\d+)(?:\.0*)?$/

export function normaliseConfigValue(key: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  const v = value.trim()
  if (/^(true|false)$/i.test(v)) return v.toLowerCase()
  const m = INTEGRAL.exec(v)
  if (m) {
    const digits = m[2] === '' ? '0' : m[2]!
    return m[1] === '-' && digits !== '0' ? `-${digits}` : digits
  }
  if (/^[+-]?\d*\.\d+(e[+-]?\d+)?$/i.test(v)) return String(Number(v))
  if (SET_KEYS.has(key)) {
    return v.split(',').map((s) => s.trim()).filter((s) => s !== '').sort().join(',')
  }
  return v
}

export function sameConfigValue(key: string, a: string | null | undefined, b: string | null | undefined): boolean {
  return normaliseConfigValue(key, a) === normaliseConfigValue(key, b)
}

/** Parses an integer config (retention.ms, …); `undefined` when it is not one. */
export function configInteger(value: string | null | undefined): number | undefined {
  const n = normaliseConfigValue('', value)
  if (n === null || !/^-?\d+$/.test(n)) return undefined
  const x = Number(n)
  return Number.isSafeInteger(x) ? x : undefined
}

export function cleanupPolicies(value: string | null | undefined): Set<string> {
  const n = normaliseConfigValue('cleanup.policy', value)
  return new Set(n ? n.split(',') : [])
}

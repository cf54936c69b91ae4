import {compareStrings} from './compare.js'
import type {TopicPolicy} from '../model/desired.js'
import type {ConfigMap, ConfigSource, TopicState} from '../model/state.js'
import type {ConfigChange, Risk} from './actions.js'
import type {BlockedItem} from './blocked.js'
import {cleanupPolicies, configInteger, normaliseConfigValue, sameConfigValue} from './config-values.js'
import type {TopicConfigDefaults} from './options.js'
import {RETENTION_KEYS, stepRetention} from './retention-step.js'

/**
 * Default-aware comparison of one topic's declared configs with what the broker reports, so a
 * manifest value equal to what the topic already inherits is not a change, and a topic override
 * the manifest no longer declares is deleted (a return to the inherited value) — no perpetual diffs.
 */
export interface ConfigDiffContext {
  readonly defaults: TopicConfigDefaults
  /** Values topics inherit on this cluster (see `clusterInheritedValues`), before Kafka's defaults. */
  readonly clusterInherited?: Readonly<Record<string, string | null>>
  readonly readOnlyKeys: ReadonlySet<string>
  readonly retentionStep?: number
  readonly policy?: TopicPolicy
}

export interface ConfigDiff {
  readonly changes: ConfigChange[]
  readonly blocked: BlockedItem[]
}

/**
 * Sources that mean "set on the brokers". DEFAULT is included because Kafka reports some broker
 * settings that way (a topic's `retention.ms` under `log.retention.hours=72` shows 259200000 with
 * source DEFAULT, observed on Kafka 4.4); a DEFAULT-source value equal to Kafka's built-in default
 * is not drift.
 */
const BROKER_SOURCES: ReadonlySet<ConfigSource> = new Set(['DYNAMIC_BROKER', 'DYNAMIC_DEFAULT_BROKER', 'STATIC_BROKER', 'DEFAULT'])

/**
 * What topics without an override use on this cluster, learnt from the topics that have none.
 * Needed because Kafka does not always report it for an overridden key: with
 * `log.retention.hours` in server.properties, a topic's `retention.ms` override comes with no
 * synonym at all, and un-overridden topics report the converted value with source DEFAULT.
 */
export function clusterInheritedValues(topics: readonly TopicState[]): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const t of topics) {
    for (const [key, e] of Object.entries(t.effectiveConfig ?? {})) {
      if (key in out) continue
      if (e.source !== 'TOPIC') out[key] = e.value
      else if (e.inheritedValue !== undefined) out[key] = e.inheritedValue
    }
  }
  return out
}

/** What the topic would use without a topic-level override. */
export function inheritedValue(observed: TopicState, key: string, ctx: Pick<ConfigDiffContext, 'defaults' | 'clusterInherited'>): string | null {
  const e = observed.effectiveConfig?.[key]
  if (e !== undefined && e.source !== 'TOPIC') return e.value
  if (e?.inheritedValue !== undefined) return e.inheritedValue
  const c = ctx.clusterInherited?.[key]
  if (c !== undefined) return c
  return ctx.defaults[key] ?? null
}

function currentValue(observed: TopicState, key: string, ctx: ConfigDiffContext): string | null {
  return observed.config[key] ?? inheritedValue(observed, key, ctx)
}

function isDefault(key: string, value: string | null, defaults: TopicConfigDefaults): boolean {
  const d = defaults[key]
  return d !== undefined && d !== null && sameConfigValue(key, value, d)
}

/** -1 means unlimited for retention keys. */
function lowered(before: string | null, after: string | null): boolean {
  const b = configInteger(before)
  const a = configInteger(after)
  if (b === undefined || a === undefined) return false
  if (a < 0) return false
  return b < 0 || a < b
}

export function changeRisk(key: string, before: string | null, after: string | null): Risk {
  if ((RETENTION_KEYS as readonly string[]).includes(key) && lowered(before, after)) return 'destructive'
  if (key === 'cleanup.policy') {
    const b = cleanupPolicies(before)
    const a = cleanupPolicies(after)
    if (b.has('compact') && !a.has('compact')) return 'destructive'
    if (!b.has('compact') && a.has('compact')) return 'disruptive'
    return 'safe'
  }
  if (key === 'min.insync.replicas' || key === 'max.message.bytes') {
    const b = configInteger(before)
    const a = configInteger(after)
    if (b !== undefined && a !== undefined && (key === 'min.insync.replicas' ? a > b : a < b)) return 'disruptive'
  }
  return 'safe'
}

export function diffTopicConfig(topic: string, desired: ConfigMap, observed: TopicState, ctx: ConfigDiffContext): ConfigDiff {
  const changes: ConfigChange[] = []
  const blocked: BlockedItem[] = []
  const resource = `Topic/${topic}`

  const propose = (change: Omit<ConfigChange, 'risk'>): void => {
    const e = observed.effectiveConfig?.[change.key]
    if (e?.readOnly === true || ctx.readOnlyKeys.has(change.key)) {
      blocked.push({
        kind: 'topic.config.read-only', resource, topic, key: change.key,
        reason: `${change.key} is read-only: Kafka does not let a client change it (${change.before ?? 'unset'} → ${change.after ?? 'unset'})`,
        wayOut: `remove ${change.key} from the manifest of ${topic}, or match the current value ${change.before ?? 'unset'}`,
      })
      return
    }
    if (change.key === 'cleanup.policy' && ctx.policy === 'table'
      && cleanupPolicies(change.before).has('compact') && !cleanupPolicies(change.after).has('compact')) {
      blocked.push({
        kind: 'topic.cleanup-policy.compact-to-delete', resource, topic, key: change.key,
        reason: `cleanup.policy ${change.before} → ${change.after ?? 'unset'} on a table topic would let retention delete the latest value of keys`,
        wayOut: `keep compaction (cleanup.policy: compact or compact,delete), or declare the topic with policy stream and migrate consumers first`,
      })
      return
    }
    changes.push({...change, risk: changeRisk(change.key, change.before, change.after)})
  }

  for (const key of Object.keys(desired).sort()) {
    const want = desired[key]!
    const override = observed.config[key]
    const matches = override !== undefined
      ? sameConfigValue(key, override, want)
      : sameConfigValue(key, inheritedValue(observed, key, ctx), want)
    if (matches) continue
    const before = currentValue(observed, key, ctx)
    const b = configInteger(before)
    const a = configInteger(want)
    const step = (RETENTION_KEYS as readonly string[]).includes(key) && b !== undefined && a !== undefined
      ? stepRetention(b, a, ctx.retentionStep)
      : undefined
    if (step) {
      propose({key, op: 'set', before, after: String(step.value), afterIsDefault: false,
        stepped: {final: normaliseConfigValue(key, want)!, remainingSteps: step.remainingSteps}})
    } else {
      propose({key, op: 'set', before, after: want, afterIsDefault: isDefault(key, want, ctx.defaults)})
    }
  }

  for (const key of Object.keys(observed.config).sort()) {
    if (key in desired) continue
    const after = inheritedValue(observed, key, ctx)
    // An override equal to what the topic would inherit changes nothing effective; deleting it
    // would only make `export` → `plan` show a diff, so it is left in place.
    if (sameConfigValue(key, observed.config[key], after)) continue
    propose({key, op: 'delete', before: observed.config[key]!, after, afterIsDefault: isDefault(key, after, ctx.defaults)})
  }
  return {changes, blocked}
}

/** Broker-level values differing from Kafka's default, on keys this topic's manifest does not declare. */
export function brokerDrift(desired: ConfigMap, observed: TopicState, defaults: TopicConfigDefaults):
  {key: string; value: string | null; source: ConfigSource; kafkaDefault: string}[] {
  const out: {key: string; value: string | null; source: ConfigSource; kafkaDefault: string}[] = []
  for (const [key, e] of Object.entries(observed.effectiveConfig ?? {})) {
    if (key in desired || key in observed.config || !BROKER_SOURCES.has(e.source) || e.sensitive === true) continue
    const d = defaults[key]
    if (d === undefined || d === null || sameConfigValue(key, e.value, d)) continue
    out.push({key, value: e.value, source: e.source, kafkaDefault: d})
  }
  return out.sort((x, y) => compareStrings(x.key, y.key))
}

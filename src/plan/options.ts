/**
 * Kafka's built-in topic-config defaults, `null` where Kafka has no fixed default. Injected so the
 * planner stays pure and testable; the manifest layer's TOPIC_CONFIGS table is the usual source
 * (see `topicDefaultsFrom`).
 */
export type TopicConfigDefaults = Readonly<Record<string, string | null>>

export interface PlanOptions {
  /** Delete undeclared topics when the environment declares no prune scope (`--allow-delete`). */
  readonly allowDelete: boolean
  /** Cut retention by at most this factor per apply (e.g. 10); unset or <= 1 = no stepping. */
  readonly retentionStep?: number
  /** Topics whose delete the active-delete rule lets through (`--allow-active-delete`), recorded in the plan. */
  readonly allowActiveDelete?: readonly string[]
  /** Replication throttle in bytes/second for reassignments; unset = no throttle. */
  readonly throttle?: number
  /** ISO timestamp recorded as `createdAt`; left out when unset so plans stay reproducible. */
  readonly now?: string
  readonly topicDefaults: TopicConfigDefaults
  /** Treat every observed ACL's principal as managed (used by `diff`, where nothing is out of scope). */
  readonly manageAllAclPrincipals?: boolean
  /** Topic-config keys Kafka will not let a client change (besides entries reported read-only). */
  readonly readOnlyKeys?: readonly string[]
}

/** Builds the defaults table from any `{key: {default}}` table (e.g. the manifest's TOPIC_CONFIGS). */
export function topicDefaultsFrom(table: Readonly<Record<string, {readonly default?: unknown}>>): TopicConfigDefaults {
  const out: Record<string, string | null> = {}
  for (const [key, spec] of Object.entries(table)) {
    const d = spec.default
    out[key] = d === undefined || d === null ? null : String(d)
  }
  return out
}

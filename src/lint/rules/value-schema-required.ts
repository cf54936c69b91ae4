import type {LintRule} from '../rule.js'

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000

/** Data kept for long (tables, versioned topics, long or infinite retention) needs a declared value schema. */
export const valueSchemaRequired: LintRule = {
  id: 'value-schema-required',
  description: 'table, versioned and long-retention topics declare a value schema (options.retentionMs, default 30 days)',
  defaultSeverity: 'error',
  check(desired, options) {
    const limit = typeof options.retentionMs === 'number' ? options.retentionMs : THIRTY_DAYS_MS
    return desired.topicMeta.flatMap((t) => {
      if (t.valueSchema) return []
      const state = desired.cluster.topics.find((s) => s.name === t.name)
      const retention = Number(state?.config['retention.ms'] ?? '604800000')
      const why = t.policy === 'table' || t.policy === 'versioned' ? `policy "${t.policy}"` : retention < 0 || retention > limit ? `retention.ms=${retention}` : undefined
      return why ? [{resource: `Topic/${t.name}`, location: t.location, message: `topic "${t.name}" (${why}) has no value schema`, hint: 'add spec.valueSchema: <Schema name>'}] : []
    })
  },
}

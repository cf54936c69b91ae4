import type {LintRule} from '../rule.js'

export const partitionBounds: LintRule = {
  id: 'partition-bounds',
  description: 'partition counts stay within options.min..options.max (default 1..100)',
  defaultSeverity: 'warning',
  check(desired, options) {
    const min = typeof options.min === 'number' ? options.min : 1
    const max = typeof options.max === 'number' ? options.max : 100
    return desired.cluster.topics.filter((t) => t.partitions < min || t.partitions > max).map((t) => ({
      resource: `Topic/${t.name}`, location: desired.topicMeta.find((m) => m.name === t.name)?.location,
      message: `topic "${t.name}" has ${t.partitions} partitions, outside ${min}..${max}`,
      hint: 'partitions can only grow, and each costs broker memory and file handles; size for the expected throughput',
    }))
  },
}

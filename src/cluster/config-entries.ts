import type {ConfigSource, ObservedConfigEntry} from '../model/state.js'
import type {DescribedConfig} from './protocol/describe-configs.js'

/** DescribeConfigs source codes (KIP-226) → our shortened names; kinds a topic cannot have are UNKNOWN. */
const SOURCES: Record<number, ConfigSource> = {
  1: 'TOPIC',
  2: 'DYNAMIC_BROKER',
  3: 'DYNAMIC_DEFAULT_BROKER',
  4: 'STATIC_BROKER',
  5: 'DEFAULT',
}

export function configSource(code: number): ConfigSource {
  return SOURCES[code] ?? 'UNKNOWN'
}

/**
 * One described config as we keep it. Kafka lists synonyms in precedence order, the entry's own
 * source first; the first synonym that is not topic-level is what the topic inherits when its own
 * setting is removed — which is how the planner tells "set to the default" from "not set".
 */
export function toObservedEntry(c: DescribedConfig): ObservedConfigEntry {
  const source = configSource(c.source)
  const inherited = c.synonyms.find((s) => configSource(s.source) !== 'TOPIC')
  const entry: ObservedConfigEntry = {
    value: c.value,
    source,
    readOnly: c.readOnly,
    sensitive: c.sensitive,
  }
  if (!inherited) return entry
  return {...entry, inheritedValue: inherited.value, inheritedSource: configSource(inherited.source)}
}

export function toObservedConfigs(configs: readonly DescribedConfig[], omitBuiltInDefaults?: Readonly<Record<string, string | null>>): Record<string, ObservedConfigEntry> {
  const out: Record<string, ObservedConfigEntry> = {}
  for (const c of [...configs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const entry = toObservedEntry(c)
    if (omitBuiltInDefaults && entry.source === 'DEFAULT' && omitBuiltInDefaults[c.name] !== undefined && entry.value === omitBuiltInDefaults[c.name]) continue
    out[c.name] = entry
  }
  return out
}

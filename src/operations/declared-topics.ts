import type {DesiredState} from '../model/desired.js'
import type {TopicShape} from './topics.js'
import {declaredFormat, type DataFormat} from './value-format.js'

/**
 * What the manifests of an environment say about a job's topics: the declared shape a created
 * target takes, and the key/value formats a topic's declared schemas imply. Pure lookups; an
 * undeclared topic (or no manifests, with --bootstrap) gives undefined.
 */
export function declaredShape(desired: DesiredState | undefined, topic: string): TopicShape | undefined {
  const t = desired?.cluster.topics.find((x) => x.name === topic)
  return t ? {partitions: t.partitions, replicationFactor: t.replicationFactor, config: {...t.config}} : undefined
}

export function declaredFormats(desired: DesiredState | undefined, topic: string): {key?: DataFormat; value?: DataFormat} {
  if (!desired) return {}
  const meta = desired.topicMeta.find((m) => m.name === topic)
  const key = declaredFormat(meta, desired.schemas, 'key')
  const value = declaredFormat(meta, desired.schemas, 'value')
  return {...(key ? {key} : {}), ...(value ? {value} : {})}
}

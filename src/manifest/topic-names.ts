/**
 * Kafka's topic-name rules (org.apache.kafka.common.internals.Topic): at most 249 characters of
 * [a-zA-Z0-9._-], not "." or "..". Kafka also refuses a topic whose name equals another's once
 * '.' and '_' are treated alike, because both map to the same metric name.
 */
export const MAX_TOPIC_NAME_LENGTH = 249
const LEGAL = /^[a-zA-Z0-9._-]+$/

export function topicNameProblem(name: string): {message: string; hint: string} | undefined {
  if (name === '') return {message: 'topic name is empty', hint: 'give the topic a name'}
  if (name === '.' || name === '..') return {message: `topic name "${name}" is not allowed`, hint: 'Kafka forbids "." and ".." as topic names'}
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return {message: `topic name is ${name.length} characters long, Kafka allows at most ${MAX_TOPIC_NAME_LENGTH}`, hint: 'shorten the name'}
  }
  if (!LEGAL.test(name)) {
    const bad = [...new Set([...name].filter((c) => !/[a-zA-Z0-9._-]/.test(c)))].map((c) => JSON.stringify(c)).join(', ')
    return {message: `topic name "${name}" contains illegal character(s) ${bad}`, hint: 'Kafka topic names may only contain ASCII letters, digits, ".", "_" and "-"'}
  }
  return undefined
}

/** The key under which two names collide in Kafka. */
export function collisionKey(name: string): string {
  return name.replace(/\./g, '_')
}

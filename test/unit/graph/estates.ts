import path from 'node:path'
import fc from 'fast-check'
import {loadManifests, resolveEnvironmentWithWarnings} from '../../../src/manifest/index.js'
import type {DesiredState, JobKind, JobSpec, ServiceSpec, TopicMeta, TopicPolicy} from '../../../src/model/desired.js'

const root = path.resolve(import.meta.dirname, '../../..')

/** The example estate of one environment, resolved offline (as `graph` without --live does). */
export async function examplesDesired(env = 'local'): Promise<DesiredState> {
  const set = await loadManifests(['manifests/examples'], {cwd: root, env: {}})
  return resolveEnvironmentWithWarnings(set, env, {offline: true}).desired
}

export interface EstateSpec {
  readonly environment?: string
  readonly topics?: readonly {name: string; policy?: TopicPolicy; owner?: string}[]
  readonly services?: readonly {name: string; produces?: string[]; consumes?: ServiceSpec['consumes']}[]
  readonly jobs?: readonly {name: string; kind?: JobKind; source: JobSpec['source']; target: JobSpec['target']; deadLetter?: string}[]
}

/** A DesiredState with just what the graph reads (the rest empty). */
export function desiredOf(spec: EstateSpec): DesiredState {
  const topics = spec.topics ?? []
  return {
    environment: {name: spec.environment ?? 'test', productionLike: false, defaults: {config: {}}, protect: [], variables: {}},
    cluster: {topics: topics.map((t) => ({name: t.name, partitions: 1, replicationFactor: 1, config: {}})), acls: [], subjects: []},
    topicMeta: topics.map((t): TopicMeta => ({name: t.name, labels: {}, ...(t.policy ? {policy: t.policy} : {}), ...(t.owner ? {owner: t.owner} : {})})),
    services: (spec.services ?? []).map((s) => ({name: s.name, principal: `User:${s.name}`, produces: s.produces ?? [], consumes: s.consumes ?? []})),
    users: [],
    schemas: [],
    jobs: (spec.jobs ?? []).map((j) => ({name: j.name, kind: j.kind ?? 'migrate', source: j.source, target: j.target, options: j.deadLetter ? {deadLetter: j.deadLetter} : {}})),
    policies: [],
  } as unknown as DesiredState
}

const LEGAL = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-'.split('')

/** Kafka topic names: every legal character, up to Kafka's 249, never `.` or `..`. */
export const topicNameArb: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom(...LEGAL), {minLength: 1, maxLength: 20}).map((cs) => cs.join('')),
  fc.tuple(fc.constantFrom(...LEGAL), fc.integer({min: 240, max: 249})).map(([c, n]) => `${'a'.repeat(n - 1)}${c}`),
  fc.constantFrom('shop.orders.v1', 'a_b', 'a.b', '-', '_', '...', 'end', 'graph', 'subgraph', 'o', 'x', 'class'),
).filter((n) => n !== '.' && n !== '..')

/** Service and group names are any non-empty strings: quotes, `#`, HTML, `%%`, backslashes, unicode. */
export const freeNameArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({minLength: 1, maxLength: 16, unit: fc.constantFrom('a', 'Z', '0', '.', '_', '-', ' ', '"', '#', ';', '<', '>', '&', '%', '`', '|', '[', ']', '(', ')', '{', '}', '\\', '/', ':', '@', 'é', '😀', '\u00a0')}),
  fc.string({minLength: 1, maxLength: 12, unit: 'grapheme'}),
  fc.constantFrom('<b>bold</b>', '&amp;', '#quot;', '%% comment', '"; x', '\\N', 'end', 'A---oB', '-->'),
).filter((n) => n.trim() !== '')

/** A generated estate: services that produce and consume (the same topic too), groups, prefixes, jobs. */
export const estateArb: fc.Arbitrary<EstateSpec> = fc.uniqueArray(topicNameArb, {minLength: 0, maxLength: 8}).chain((topics) => {
  const topic = topics.length ? fc.constantFrom(...topics) : fc.constant('undeclared.topic')
  const consumes = fc.array(fc.record({topic, groups: fc.array(freeNameArb, {maxLength: 2}), groupPrefixes: fc.array(freeNameArb, {maxLength: 1})}), {maxLength: 3})
  return fc.record({
    environment: freeNameArb,
    topics: fc.constant(topics.map((name, i) => ({name, ...(i % 4 === 3 ? {} : {policy: (['stream', 'table', 'versioned'] as const)[i % 4]})}))),
    services: fc.uniqueArray(fc.record({name: freeNameArb, produces: fc.array(topic, {maxLength: 2}), consumes}), {maxLength: 5, selector: (s) => s.name}),
    jobs: fc.uniqueArray(fc.record({name: freeNameArb, source: fc.record({topic}), target: fc.record({topic: fc.oneof(topic, topicNameArb)}), deadLetter: fc.option(topicNameArb, {nil: undefined})}), {maxLength: 2, selector: (j) => j.name}),
  })
})

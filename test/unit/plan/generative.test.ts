import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {DesiredState, ServiceSpec, TopicMeta} from '../../../src/model/desired.js'
import type {EnvironmentSpec} from '../../../src/model/environment.js'
import {aclKey, type AclEntry, type AclOperation, type ClusterState, type ObservedConfigEntry, type TopicState} from '../../../src/model/state.js'
import {deriveAcls} from '../../../src/plan/acl-derive.js'
import {normaliseConfigValue} from '../../../src/plan/config-values.js'
import type {Plan} from '../../../src/plan/plan.js'
import {planChanges} from '../../../src/plan/planner.js'
import {globToRegExp, isInternalTopic} from '../../../src/plan/topic-scope.js'
import {topicDefaults} from './fixture-case.js'
import {simulateApply} from './simulate-apply.js'

/**
 * Generated desired and observed states (fast-check, fixed seed, bounded runs): applying the plan
 * to the observed state gives the desired state except where an item is blocked, planning again
 * finds nothing to do, and nothing outside the prune scope is ever deleted. The scope rules are
 * restated here from the README, not imported from the planner, so the two can disagree.
 */
const SEED = Number(process.env.FC_SEED ?? 20261203)
const RUNS = Number(process.env.FC_RUNS ?? 300)

const TOPICS = ['shop.a.v1', 'shop.b.v1', 'shop.c.v1', 'shop.keep.v1', 'pay.a.v1', 'pay.b.v1', 'shopx.v1']
const PRINCIPALS = ['User:shop-orders', 'User:shop-billing', 'User:analytics', 'User:other-team', 'User:legacy']
const GROUPS = ['g1', 'g2', 'shop-g']
const OPS: AclOperation[] = ['READ', 'WRITE', 'DESCRIBE']
const CONFIG_VALUES: Record<string, string[]> = {'retention.ms': ['86400000', '604800000', '-1'], 'compression.type': ['zstd', 'lz4', 'producer'], 'max.message.bytes': ['262144', '1048588']}

const configArb = fc.record(Object.fromEntries(Object.entries(CONFIG_VALUES).map(([k, vs]) => [k, fc.constantFrom(...vs)])), {requiredKeys: []}) as fc.Arbitrary<Record<string, string>>

function placed(partitions: number, rf: number, brokers: readonly number[]): number[][] {
  return Array.from({length: partitions}, (_, p) => Array.from({length: rf}, (_, r) => brokers[(p + r) % brokers.length]!))
}

function observedTopic(name: string, partitions: number, rf: number, config: Record<string, string>, brokers: readonly number[]): TopicState {
  const effectiveConfig: Record<string, ObservedConfigEntry> = {}
  for (const [k, v] of Object.entries(config)) effectiveConfig[k] = {value: v, source: 'TOPIC'}
  return {name, partitions, replicationFactor: rf, config, effectiveConfig, replicas: placed(partitions, rf, brokers)}
}

const aclArb: fc.Arbitrary<AclEntry> = fc.oneof(
  fc.record({resourceType: fc.constant('TOPIC' as const), resourceName: fc.constantFrom(...TOPICS, 'shop.gone.v1', 'pay.gone.v1'), patternType: fc.constantFrom('LITERAL' as const, 'LITERAL' as const, 'PREFIXED' as const)}),
  fc.record({resourceType: fc.constant('GROUP' as const), resourceName: fc.constantFrom(...GROUPS), patternType: fc.constant('LITERAL' as const)}),
).chain((r) => fc.record({
  resourceType: fc.constant(r.resourceType), resourceName: fc.constant(r.resourceName), patternType: fc.constant(r.patternType),
  principal: fc.constantFrom(...PRINCIPALS), host: fc.constant('*'), operation: fc.constantFrom(...OPS), permission: fc.constant('ALLOW' as const),
}))

interface Scenario {
  desired: DesiredState
  observed: ClusterState
  allowDelete: boolean
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  brokers: fc.integer({min: 1, max: 3}),
  declared: fc.uniqueArray(fc.record({name: fc.constantFrom(...TOPICS), partitions: fc.integer({min: 1, max: 4}), rf: fc.integer({min: 1, max: 4}), config: configArb}), {selector: (t) => t.name, maxLength: 5}),
  existing: fc.uniqueArray(fc.record({name: fc.constantFrom(...TOPICS), partitions: fc.integer({min: 1, max: 4}), rf: fc.integer({min: 1, max: 3}), config: configArb}), {selector: (t) => t.name, maxLength: 6}),
  internal: fc.boolean(),
  scoped: fc.boolean(),
  protect: fc.boolean(),
  principalGlobs: fc.subarray(['User:shop-*', 'User:analytics']),
  applied: fc.subarray(PRINCIPALS),
  services: fc.uniqueArray(fc.record({
    principal: fc.constantFrom(...PRINCIPALS),
    owns: fc.subarray(TOPICS, {maxLength: 2}),
    consumes: fc.subarray(TOPICS, {maxLength: 2}),
    groups: fc.subarray(GROUPS, {maxLength: 2}),
    groupPrefixes: fc.subarray(['shop-', 'batch-'], {maxLength: 1}),
  }), {selector: (s) => s.principal, maxLength: 3}),
  raw: fc.array(aclArb, {maxLength: 3}),
  observedAcls: fc.array(aclArb, {maxLength: 12}),
  aclsSupported: fc.constantFrom(true, true, true, false),
  allowDelete: fc.boolean(),
}).map((g): Scenario => {
  const brokerIds = Array.from({length: g.brokers}, (_, i) => i + 1)
  const declaredNames = new Set(g.declared.map((t) => t.name))
  const environment: EnvironmentSpec = {
    name: 'gen', productionLike: false, defaults: {config: {}}, variables: {},
    protect: g.protect ? ['shop.keep.*'] : [],
    ...(g.scoped ? {prune: {prefixes: ['shop.'], principals: g.principalGlobs}} : {}),
  }
  // A topic has one owner: the first service that claims it (and only declared topics).
  const owner = new Map<string, string>()
  for (const s of g.services) for (const t of s.owns) if (declaredNames.has(t) && !owner.has(t)) owner.set(t, s.principal)
  const services: ServiceSpec[] = g.services.map((s) => ({
    name: s.principal.slice('User:'.length), principal: s.principal,
    produces: s.owns.filter((t) => owner.get(t) === s.principal),
    consumes: s.consumes.filter((t) => declaredNames.has(t)).map((topic) => ({topic, groups: s.groups, groupPrefixes: s.groupPrefixes})),
  }))
  const topicMeta: TopicMeta[] = g.declared.map((t) => ({name: t.name, labels: {}, ...(owner.has(t.name) ? {owner: owner.get(t.name)!.slice('User:'.length)} : {})}))
  const topics: TopicState[] = [
    ...g.existing.map((t) => observedTopic(t.name, t.partitions, Math.min(t.rf, g.brokers), t.config, brokerIds)),
    ...(g.internal ? [{...observedTopic('_schemas', 1, 1, {}, brokerIds), internal: true}] : []),
  ]
  return {
    allowDelete: g.allowDelete,
    desired: {
      environment,
      cluster: {topics: g.declared.map((t) => ({name: t.name, partitions: t.partitions, replicationFactor: t.rf, config: t.config})), acls: g.raw, subjects: []},
      topicMeta, services, users: [], schemas: [], jobs: [], policies: [],
    },
    observed: {
      clusterId: 'gen', brokerCount: g.brokers, brokerIds, topics, subjects: [],
      acls: g.aclsSupported ? g.observedAcls : [], aclsSupported: g.aclsSupported, appliedPrincipals: g.applied,
    },
  }
})

const plan = (s: Scenario, observed: ClusterState = s.observed): Plan =>
  planChanges(s.desired, observed, {allowDelete: s.allowDelete, topicDefaults: topicDefaults()})

/** The README's deletion permission for an undeclared topic name. */
function topicDeletable(s: Scenario, name: string): boolean {
  const env = s.desired.environment
  if (isInternalTopic(name) || env.protect.some((g) => globToRegExp(g).test(name))) return false
  return env.prune ? env.prune.prefixes.some((p) => name.startsWith(p)) : s.allowDelete
}

function principalInScope(s: Scenario, principal: string): boolean {
  const declared = new Set([...s.desired.services.map((x) => x.principal), ...s.desired.cluster.acls.map((a) => a.principal)])
  return declared.has(principal) || (s.observed.appliedPrincipals ?? []).includes(principal) ||
    (s.desired.environment.prune?.principals ?? []).some((g) => globToRegExp(g).test(principal))
}

function desiredAcls(s: Scenario): AclEntry[] {
  return [...deriveAcls(s.desired.services, s.desired.topicMeta).acls, ...s.desired.cluster.acls]
}

const DEFAULTS = topicDefaults()
const effective = (config: Readonly<Record<string, string>>): Record<string, string | null> =>
  Object.fromEntries(Object.keys(CONFIG_VALUES).map((k) => [k, normaliseConfigValue(k, config[k] ?? DEFAULTS[k])]))

describe('planner properties (generated states)', () => {
  it(`converges to the desired state modulo blocked items and deletes only inside the scope (seed ${SEED}, ${RUNS} runs)`, () => {
    console.log(`planner generative seed ${SEED}, runs ${RUNS} (FC_SEED / FC_RUNS to change)`)
    fc.assert(fc.property(scenarioArb, (s) => {
      const first = plan(s)
      const after = simulateApply(s.observed, first)
      const second = plan(s, after)

      // A second plan is empty, and what stays blocked is what was blocked.
      expect(second.actions).toEqual([])
      expect(second.blocked.map((b) => `${b.kind} ${b.resource}`)).toEqual(first.blocked.map((b) => `${b.kind} ${b.resource}`))

      // Desired topics exist as declared, unless something about them is blocked.
      const blockedTopics = new Set(first.blocked.flatMap((b) => (b.topic === undefined ? [] : [b.topic])))
      const byName = new Map(after.topics.map((t) => [t.name, t]))
      for (const t of s.desired.cluster.topics) {
        if (blockedTopics.has(t.name)) continue
        const got = byName.get(t.name)
        expect(got, t.name).toBeDefined()
        expect(got!.partitions).toBe(t.partitions)
        expect(got!.replicationFactor).toBe(t.replicationFactor)
        // Default-aware: a topic override equal to Kafka's default is the desired state too.
        expect(effective(got!.config)).toEqual(effective(t.config))
      }
      // Desired ACLs exist, unless withheld (blocked) or the cluster has no authorizer.
      const have = new Set(after.acls.map(aclKey))
      const withheld = new Set(first.blocked.flatMap((b) => (b.action ? [b.action] : [])))
      for (const a of desiredAcls(s)) {
        if (s.observed.aclsSupported === false || withheld.has(`acl.create:${aclKey(a)}`)) continue
        expect(have.has(aclKey(a)), aclKey(a)).toBe(true)
      }
      // Nothing depends on a blocked change: no ACL on a declared topic that does not exist.
      for (const a of first.actions) {
        if (a.kind !== 'acl.create' || a.acl.resourceType !== 'TOPIC' || a.acl.patternType !== 'LITERAL') continue
        if (s.desired.cluster.topics.some((t) => t.name === a.acl.resourceName)) expect(byName.has(a.acl.resourceName), a.id).toBe(true)
      }

      // Deletions stay inside the scope.
      const deleted = new Set(first.actions.flatMap((a) => (a.kind === 'topic.delete' ? [a.topic] : [])))
      const declared = new Set(s.desired.cluster.topics.map((t) => t.name))
      for (const name of deleted) {
        expect(declared.has(name)).toBe(false)
        expect(topicDeletable(s, name), name).toBe(true)
      }
      const existed = new Set(s.observed.topics.map((t) => t.name))
      for (const a of first.actions) {
        if (a.kind !== 'acl.delete') continue
        const literalTopic = a.acl.resourceType === 'TOPIC' && a.acl.patternType === 'LITERAL' ? a.acl.resourceName : undefined
        const topicGone = literalTopic !== undefined && !declared.has(literalTopic) && (deleted.has(literalTopic) || (!existed.has(literalTopic) && topicDeletable(s, literalTopic)))
        expect(principalInScope(s, a.acl.principal) || topicGone, a.id).toBe(true)
      }
      // ...and ACLs outside it survive: out-of-scope principals keep every grant not tied to a gone topic.
      for (const a of s.observed.acls) {
        const literalTopic = a.resourceType === 'TOPIC' && a.patternType === 'LITERAL' ? a.resourceName : undefined
        const topicGone = literalTopic !== undefined && !declared.has(literalTopic) && (deleted.has(literalTopic) || (!existed.has(literalTopic) && topicDeletable(s, literalTopic)))
        if (!principalInScope(s, a.principal) && !topicGone) expect(have.has(aclKey(a)), aclKey(a)).toBe(true)
      }
      // A deleted topic leaves none of its LITERAL ACLs behind (unless the manifests declare them).
      const wanted = new Set(desiredAcls(s).map(aclKey))
      for (const a of after.acls) {
        if (a.resourceType === 'TOPIC' && a.patternType === 'LITERAL' && deleted.has(a.resourceName)) expect(wanted.has(aclKey(a)), aclKey(a)).toBe(true)
      }
      // Internal topics are never touched.
      expect(first.actions.some((a) => 'topic' in a && isInternalTopic(a.topic))).toBe(false)
    }), {seed: SEED, numRuns: RUNS})
  })
})

import type {AclEntry, ClusterState, CompatibilityLevel, ObservedConfigEntry, QuotaState, TopicState, UserState} from '../../../src/model/state.js'
import {aclKey, quotaEntityKey} from '../../../src/model/state.js'
import type {Plan} from '../../../src/plan/plan.js'

/**
 * Test-only model of what Kafka ends up reporting after a plan's actions succeed, used to check
 * that planning again converges (no perpetual diffs). It is not a Kafka fake for behaviour tests:
 * the executor's end-to-end tests run against a real cluster.
 */
export function simulateApply(observed: ClusterState, plan: Plan): ClusterState {
  const topics = new Map(observed.topics.map((t) => [t.name, t]))
  let acls: AclEntry[] = [...observed.acls]
  const subjects = new Map(observed.subjects.map((s) => [s.subject, s]))
  // A level set on a subject before its first version (the registry keeps it) applies to it.
  const pendingLevels = new Map<string, CompatibilityLevel>()
  const users = new Map((observed.users ?? []).map((u) => [u.name, u]))
  const quotas = new Map((observed.quotas ?? []).map((q) => [quotaEntityKey(q.entity), q]))
  for (const a of plan.actions) {
    switch (a.kind) {
      case 'topic.create': {
        const effectiveConfig: Record<string, ObservedConfigEntry> = {}
        for (const [k, v] of Object.entries(a.config)) effectiveConfig[k] = {value: v, source: 'TOPIC'}
        topics.set(a.topic, {name: a.topic, partitions: a.partitions, replicationFactor: a.replicationFactor, config: a.config, effectiveConfig,
          replicas: Array.from({length: a.partitions}, (_, p) => Array.from({length: a.replicationFactor}, (_, r) => 1 + ((p + r) % a.replicationFactor)))})
        break
      }
      case 'topic.partitions.increase': {
        const t = topics.get(a.topic)!
        topics.set(a.topic, {...t, partitions: a.after})
        break
      }
      case 'topic.config.alter': {
        const t = topics.get(a.topic)!
        const config: Record<string, string> = {...t.config}
        const eff: Record<string, ObservedConfigEntry> = {...t.effectiveConfig}
        for (const c of a.changes) {
          const prior = eff[c.key]
          if (c.op === 'set') {
            config[c.key] = c.after!
            eff[c.key] = {value: c.after, source: 'TOPIC', inheritedValue: prior?.source === 'TOPIC' ? prior.inheritedValue : prior?.value, inheritedSource: prior?.source === 'TOPIC' ? prior.inheritedSource : prior?.source}
          } else {
            delete config[c.key]
            eff[c.key] = {value: c.after, source: prior?.inheritedSource ?? 'DEFAULT'}
          }
        }
        topics.set(a.topic, {...t, config, effectiveConfig: eff})
        break
      }
      case 'topic.replication.change': {
        const t = topics.get(a.topic)!
        topics.set(a.topic, {...t, replicationFactor: a.after, replicas: a.assignments})
        break
      }
      case 'acl.create':
        acls.push(a.acl)
        break
      case 'acl.delete':
        acls = acls.filter((x) => aclKey(x) !== aclKey(a.acl))
        break
      case 'topic.delete':
        topics.delete(a.topic)
        break
      case 'user.credential.upsert': {
        // The declared password is now the one streamctl set (and fingerprinted).
        const u = users.get(a.user) ?? {name: a.user, credentials: []}
        const credentials = [...u.credentials.filter((c) => c.mechanism !== a.mechanism), {mechanism: a.mechanism, iterations: a.iterations, password: 'matches' as const}]
        users.set(a.user, {...u, credentials: credentials.sort((x, y) => (x.mechanism < y.mechanism ? -1 : 1))})
        break
      }
      case 'user.credential.delete': {
        const u = users.get(a.user)!
        const credentials = u.credentials.filter((c) => c.mechanism !== a.mechanism)
        if (credentials.length === 0) users.delete(a.user)
        else users.set(a.user, {...u, credentials})
        break
      }
      case 'quota.alter': {
        const key = quotaEntityKey(a.entity)
        const values: Record<string, number> = {...quotas.get(key)?.values}
        for (const c of a.changes) {
          if (c.after === null) delete values[c.key]
          else values[c.key] = c.after
        }
        // Kafka drops an entity whose last quota is removed.
        if (Object.keys(values).length === 0) quotas.delete(key)
        else quotas.set(key, {entity: a.entity, values})
        break
      }
      case 'schema.compatibility.set': {
        const s = subjects.get(a.subject)
        if (s) subjects.set(a.subject, {...s, compatibility: a.after})
        else pendingLevels.set(a.subject, a.after)
        break
      }
      case 'schema.register': {
        const prior = subjects.get(a.subject)
        const level = prior?.compatibility ?? pendingLevels.get(a.subject)
        subjects.set(a.subject, {subject: a.subject, schemaType: a.schemaType, schema: a.schema, references: a.references,
          version: (prior?.version ?? 0) + 1, id: 100 + subjects.size, ...(level ? {compatibility: level} : {})})
        break
      }
    }
  }
  return {
    ...observed, topics: [...topics.values()] as TopicState[], acls, subjects: [...subjects.values()],
    ...(observed.users ? {users: [...users.values()] as UserState[]} : {}),
    ...(observed.quotas ? {quotas: [...quotas.values()] as QuotaState[]} : {}),
  }
}

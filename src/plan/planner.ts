import {compareAcls, compareStrings} from './compare.js'
import type {DesiredState} from '../model/desired.js'
import {aclKey, quotaEntityKey, type AclEntry, type ClusterState} from '../model/state.js'
import type {Action} from './actions.js'
import {deriveAcls} from './acl-derive.js'
import {planAcls} from './acl-plan.js'
import {compareBlocked, type BlockedItem} from './blocked.js'
import {digestOf} from './digest.js'
import {clusterInheritedValues} from './config-diff.js'
import type {PlanOptions} from './options.js'
import {orderActions} from './order.js'
import type {DriftItem, Plan, Unmanaged} from './plan.js'
import {PLAN_FORMAT_VERSION, summarize} from './plan.js'
import {planUndeclaredTopics, undeletableReason} from './prune.js'
import {planSubjects, wantedSubjects} from './schema-plan.js'
import {planTopic} from './topic-plan.js'
import {isInternalTopic} from './topic-scope.js'
import {planQuotas, planUsers, type IdentityScope} from './identity-plan.js'
import {planDeclaredPlacement, settleInFlight} from './placement-actions.js'

/** Observed state in canonical order, so the digest does not depend on the order brokers answered in. */
export function observedDigest(observed: ClusterState): string {
  return digestOf({
    ...observed,
    topics: [...observed.topics].sort((a, b) => compareStrings(a.name, b.name)),
    acls: [...observed.acls].sort(compareAcls),
    subjects: [...observed.subjects].sort((a, b) => compareStrings(a.subject, b.subject)),
    users: observed.users === undefined ? undefined : [...observed.users].sort((a, b) => compareStrings(a.name, b.name)),
    quotas: observed.quotas === undefined ? undefined : [...observed.quotas].sort((a, b) => compareStrings(quotaEntityKey(a.entity), quotaEntityKey(b.entity))),
    reassigningTopics: observed.reassigningTopics === undefined ? undefined : [...observed.reassigningTopics].sort(),
    // Sizes grow while clients write: a saved plan stays current (its moves carry the sizes it used).
    partitionSizes: undefined,
  })
}

/**
 * When the observed state lacks broker ids, the replica lists name them all if every live broker
 * holds a replica (the count must match, or a broker without replicas would never be chosen).
 */
function brokerIdsFromReplicas(observed: ClusterState): number[] | undefined {
  const ids = new Set<number>()
  for (const t of observed.topics) for (const r of t.replicas ?? []) for (const b of r) ids.add(b)
  return observed.brokerCount !== undefined && ids.size === observed.brokerCount ? [...ids].sort((a, b) => a - b) : undefined
}

/**
 * Desired state + observed state → plan. Pure: no I/O, same inputs give the same plan (and digest).
 */
export function planChanges(desired: DesiredState, live: ClusterState, options: PlanOptions): Plan {
  // The digest is of what was observed; planning sees in-flight reassignments as done (placement-actions.ts).
  const observed = settleInFlight(live)
  const env = desired.environment
  const expectedId = desired.cluster.clusterId ?? env.clusterId
  if (expectedId !== undefined && observed.clusterId !== expectedId) {
    // The wrong cluster: any diff against it would be meaningless, so nothing else is planned.
    return finish(desired, live, options, [], [{
      kind: 'cluster.id-mismatch', resource: 'Cluster',
      reason: `environment ${env.name} expects cluster id ${expectedId}, the cluster reports ${observed.clusterId ?? 'no id'}`,
      wayOut: `check the bootstrap servers of ${env.name}; if the cluster was rebuilt on purpose, update clusterId in the Environment`,
    }], [], {topics: [], acls: [], users: [], quotas: []})
  }

  const observedByName = new Map(observed.topics.map((t) => [t.name, t]))
  const metaByName = new Map(desired.topicMeta.map((m) => [m.name, m]))
  const declared = new Set(desired.cluster.topics.map((t) => t.name))
  const ctx = {
    defaults: options.topicDefaults,
    clusterInherited: clusterInheritedValues(observed.topics),
    readOnlyKeys: new Set(options.readOnlyKeys ?? []),
    retentionStep: options.retentionStep,
    throttle: options.throttle,
    brokerCount: observed.brokerCount,
    brokerIds: observed.brokerIds ?? brokerIdsFromReplicas(observed),
    reassigning: new Set(observed.reassigningTopics ?? []),
    takenNames: new Set([...declared, ...observedByName.keys()]),
  }

  const actions: Action[] = []
  const blocked: BlockedItem[] = []
  const driftMap = new Map<string, {item: Omit<DriftItem, 'topics'>; topics: string[]}>()
  for (const t of [...desired.cluster.topics].sort((a, b) => compareStrings(a.name, b.name))) {
    const seen = observedByName.get(t.name)
    if (isInternalTopic(t.name, seen?.internal)) {
      blocked.push({kind: 'topic.internal', resource: `Topic/${t.name}`, topic: t.name,
        reason: `${t.name} is an internal topic (Kafka's, the schema registry's or streamctl's own); streamctl never changes it`,
        wayOut: `remove ${t.name} from the manifests`})
      continue
    }
    const tp = planTopic(t, seen, metaByName.get(t.name), ctx)
    actions.push(...tp.actions)
    blocked.push(...tp.blocked)
    for (const d of tp.drift) {
      const k = `${d.key}\u0000${d.source}\u0000${d.value}`
      const entry = driftMap.get(k) ?? {item: d, topics: []}
      entry.topics.push(t.name)
      driftMap.set(k, entry)
    }
  }

  const placed = desired.cluster.topics
    .filter((t) => !isInternalTopic(t.name, observedByName.get(t.name)?.internal))
    .map((t) => (t.placement === undefined && env.placement !== undefined ? {...t, placement: env.placement} : t))
  const placement = planDeclaredPlacement(placed, observed, {throttle: options.throttle})
  actions.push(...placement.actions)
  blocked.push(...placement.blocked)

  const undeclared = planUndeclaredTopics(observed.topics, declared, env, options.allowDelete)
  actions.push(...undeclared.actions)

  // ACLs come from Services, plus raw entries (`Acl` resources, exported ACLs that fit no Service).
  const fromServices = deriveAcls(desired.services, desired.topicMeta)
  const desiredAcls = uniqueAcls([...fromServices.acls, ...desired.cluster.acls])
  blocked.push(...fromServices.blocked)
  // Without an authorizer Kafka stores no ACLs: say so once instead of planning grants that must fail.
  const aclsManaged = observed.aclsSupported !== false
  const aclPlan = aclsManaged
    ? planAcls(desiredAcls, observed.acls, {
      declared: new Set([...fromServices.principals, ...desired.cluster.acls.map((a) => a.principal)]),
      principalGlobs: env.prune?.principals ?? [],
      applied: new Set(observed.appliedPrincipals ?? []),
      manageAll: options.manageAllAclPrincipals ?? false,
      goneTopics: goneTopics(observed, declared, undeclared.actions, env, options.allowDelete),
    })
    : {actions: [], unmanaged: []}
  const withheld = withholdDependents(aclPlan.actions, declared, observedByName, actions)
  actions.push(...withheld.actions)
  blocked.push(...withheld.blocked)
  if (!aclsManaged && desiredAcls.length > 0) {
    blocked.push({
      kind: 'acl.authorizer-disabled', resource: 'Cluster',
      reason: `the Services declare ${desiredAcls.length} ACL(s) but the cluster has no authorizer, so Kafka cannot store them`,
      wayOut: 'enable an authorizer on the brokers (authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer), or use a cluster that has one',
    })
  }

  const identities = planIdentities(desired, observed, options)
  actions.push(...identities.actions)

  const subjectPlan = planSubjects(wantedSubjects(desired), observed.subjects)
  actions.push(...subjectPlan.actions)
  blocked.push(...subjectPlan.blocked)

  const drift: DriftItem[] = [...driftMap.values()]
    .map(({item, topics}) => ({...item, topics: topics.sort()}))
    .sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.source, b.source))
  return finish(desired, live, options, orderActions(actions), blocked, drift, {
    topics: undeclared.unmanaged, acls: aclPlan.unmanaged, users: identities.unmanagedUsers, quotas: identities.unmanagedQuotas,
  })
}

/** Users and quotas are planned only when they were observed (plan reads them when any is declared or owned). */
function planIdentities(desired: DesiredState, observed: ClusterState, options: PlanOptions): {actions: Action[]; unmanagedUsers: Unmanaged['users'][number][]; unmanagedQuotas: Unmanaged['quotas'][number][]} {
  const scope: IdentityScope = {
    environment: desired.environment,
    appliedUsers: new Set(observed.appliedUsers ?? []),
    appliedQuotaEntities: new Set(observed.appliedQuotaEntities ?? []),
    ...(observed.connectedUser === undefined ? {} : {connectedUser: observed.connectedUser}),
    manageAll: options.manageAllAclPrincipals ?? false,
  }
  const passwordFrom = new Map(desired.users.map((u) => [u.name, u.password.origin]))
  const users = observed.users === undefined ? {actions: [], unmanagedUsers: []} : planUsers(desired.cluster.users ?? [], observed.users, passwordFrom, scope)
  const quotas = observed.quotas === undefined ? {actions: [], unmanagedQuotas: []} : planQuotas(desired.cluster.quotas ?? [], observed.quotas, scope)
  return {actions: [...users.actions, ...quotas.actions], unmanagedUsers: users.unmanagedUsers, unmanagedQuotas: quotas.unmanagedQuotas}
}

export function finish(
  desired: DesiredState, observed: ClusterState, options: PlanOptions,
  actions: Action[], blocked: BlockedItem[], drift: DriftItem[], unmanaged: Unmanaged,
): Plan {
  const sortedBlocked = [...blocked].sort(compareBlocked)
  return sealPlan({
    formatVersion: PLAN_FORMAT_VERSION,
    environment: desired.environment.name,
    clusterId: observed.clusterId ?? null,
    ...(options.now === undefined ? {} : {createdAt: options.now}),
    observedDigest: observedDigest(observed),
    options: {allowDelete: options.allowDelete, retentionStep: options.retentionStep ?? null, throttle: options.throttle ?? null, allowActiveDelete: [...new Set(options.allowActiveDelete ?? [])].sort()},
    actions,
    blocked: sortedBlocked,
    drift,
    unmanaged,
  })
}

/**
 * Sorts nothing, computes the summary and the digest. The digest covers every field except
 * `createdAt`, `impact` and `replicas` (their lag): the same changes planned twice have the same digest, however the
 * cluster's lag and timestamps moved in between (impact rules that block an action change
 * `actions` and `blocked`, which are covered).
 */
export function sealPlan(fields: Omit<Plan, 'digest' | 'summary'>): Plan {
  const {createdAt, impact, replicas, formatVersion, environment, clusterId, ...rest} = fields
  const body = {formatVersion, environment, clusterId, ...rest, summary: summarize(rest.actions, rest.blocked, rest.connectors?.actions)}
  const {summary, ...changes} = body
  return {...{formatVersion, environment, clusterId}, ...(createdAt === undefined ? {} : {createdAt}), ...changes, summary, ...(impact === undefined ? {} : {impact}),
    ...(replicas === undefined ? {} : {replicas}), digest: planDigest(body)}
}

/** A block from activity says which action it withholds; its wording (lag, timestamps) moves with the cluster. */
const ACTIVITY_BLOCKS: ReadonlySet<string> = new Set(['topic.delete.active', 'topic.retention.unconsumed', 'topic.partitions.stateful-consumers'])

/** The digest of a plan body (every field but `createdAt`, `impact`, `replicas`, `digest`). */
export function planDigest(body: Omit<Plan, 'digest' | 'createdAt' | 'impact' | 'replicas'>): string {
  const stable = body.blocked.map((b) => (ACTIVITY_BLOCKS.has(b.kind) ? {kind: b.kind, resource: b.resource, topic: b.topic, action: b.action} : b))
  return digestOf({...body, blocked: stable})
}

/**
 * Topics whose LITERAL ACLs go regardless of principal: those this plan deletes, and those that no
 * longer exist while their name is one this environment may delete (ACLs left by an earlier
 * deletion, which a re-created topic of the same name would otherwise inherit).
 */
function goneTopics(
  observed: ClusterState, declared: ReadonlySet<string>, topicActions: readonly Action[], env: DesiredState['environment'], allowDelete: boolean,
): Map<string, 'deleted' | 'gone'> {
  const out = new Map<string, 'deleted' | 'gone'>()
  for (const a of topicActions) if (a.kind === 'topic.delete') out.set(a.topic, 'deleted')
  const existing = new Set(observed.topics.map((t) => t.name))
  for (const acl of observed.acls) {
    const name = acl.resourceName
    if (acl.resourceType !== 'TOPIC' || acl.patternType !== 'LITERAL' || out.has(name)) continue
    if (existing.has(name) || declared.has(name) || isInternalTopic(name)) continue
    if (undeletableReason(name, env, allowDelete) === null) out.set(name, 'gone')
  }
  return out
}

/**
 * An ACL create on a declared topic that will not exist after this plan (its create is blocked)
 * is withheld as a blocked item: nothing that depends on a blocked change is applied.
 */
function withholdDependents(
  aclActions: readonly Action[], declared: ReadonlySet<string>, observedByName: ReadonlyMap<string, unknown>, topicActions: readonly Action[],
): {actions: Action[]; blocked: BlockedItem[]} {
  const creates = new Set(topicActions.flatMap((a) => (a.kind === 'topic.create' ? [a.topic] : [])))
  const actions: Action[] = []
  const blocked: BlockedItem[] = []
  for (const a of aclActions) {
    const topic = a.kind === 'acl.create' && a.acl.resourceType === 'TOPIC' && a.acl.patternType === 'LITERAL' ? a.acl.resourceName : undefined
    if (topic === undefined || !declared.has(topic) || observedByName.has(topic) || creates.has(topic)) {
      actions.push(a)
      continue
    }
    blocked.push({
      kind: 'dependency.blocked', resource: `Topic/${topic}`, topic, action: a.id,
      reason: `${a.kind === 'acl.create' ? `acl ${a.acl.permission} ${a.acl.operation} for ${a.acl.principal}` : a.id} waits for topic ${topic}, whose creation is blocked`,
      wayOut: `resolve the blocked creation of ${topic}; the ACL is planned once the topic can be created`,
    })
  }
  return {actions, blocked}
}

function uniqueAcls(acls: readonly AclEntry[]): AclEntry[] {
  return [...new Map(acls.map((a) => [aclKey(a), a])).values()].sort(compareAcls)
}

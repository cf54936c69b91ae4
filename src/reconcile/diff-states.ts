import {adoptState} from '../export/export-state.js'
import type {DesiredState} from '../model/desired.js'
import type {EnvironmentSpec} from '../model/environment.js'
import type {AclEntry, ClusterState, UserState} from '../model/state.js'
import {pinLatestReferences} from '../schemas/pin-references.js'
import {deriveAcls, planChanges, wantedSubjects, type Plan, type TopicConfigDefaults} from '../plan/index.js'
import {diffConnectors, type ConnectorSide} from '../plan/connector-diff.js'
import {sealPlan} from '../plan/planner.js'

/** One side of `streamctl diff`: a live cluster or the desired state of an environment's manifests. */
export type DiffSide = (
  | {readonly kind: 'live'; readonly label: string; readonly observed: ClusterState}
  | {readonly kind: 'manifest'; readonly label: string; readonly desired: DesiredState}
) & {
  /** The side's Kafka Connect connectors; absent for a side without a Connect cluster (then connectors are not compared). */
  readonly connectors?: ConnectorSide
}

/**
 * `diff A B` is the plan that would turn A into B (pure). Live sides go through the same adoption
 * as `export`, manifest sides through the same ACL derivation as `plan`, so a diff, an export and
 * a plan agree on what counts as different. Every difference is shown: no protect or prune rule
 * applies, and deletions stand for "only in A".
 */
export function diffSides(given: DiffSide, other: DiffSide, defaults: TopicConfigDefaults): Plan {
  const from = pinnedAgainst(given, other)
  const to = pinnedAgainst(other, given)
  // A cluster without an authorizer has no ACLs to compare: leave ACLs out on both sides.
  const aclsComparable = [from, to].every((s) => s.kind === 'manifest' || s.observed.aclsSupported !== false)
  const desired = asDesired(to, defaults)
  const observed = asObserved(from)
  const plan = planChanges(
    aclsComparable ? desired : {...desired, services: [], cluster: {...desired.cluster, acls: []}},
    aclsComparable ? observed : {...observed, acls: []},
    {allowDelete: true, topicDefaults: defaults, manageAllAclPrincipals: true},
  )
  // Connectors are compared only when both sides can have them: a side without Connect knows none.
  if (!from.connectors || !to.connectors) return plan
  const {digest: _digest, summary: _summary, ...fields} = plan
  return sealPlan({...fields, connectors: diffConnectors(from.connectors, to.connectors)})
}

/**
 * A manifest side's `version: latest` references read against a live other side's registry, as a
 * plan against that registry would pin them; against another manifest side they stay `latest`.
 */
function pinnedAgainst(side: DiffSide, other: DiffSide): DiffSide {
  if (side.kind !== 'manifest' || other.kind !== 'live') return side
  const latest = new Map(other.observed.subjects.flatMap((s) => (s.version === undefined ? [] : [[s.subject, {version: s.version, schemaType: s.schemaType, schema: s.schema}] as const])))
  return {...side, desired: pinLatestReferences(side.desired, latest).desired}
}

function neutralEnvironment(name: string): EnvironmentSpec {
  return {name, productionLike: false, defaults: {config: {}}, protect: [], variables: {}}
}

function asDesired(side: DiffSide, defaults: TopicConfigDefaults): DesiredState {
  if (side.kind === 'manifest') {
    const d = side.desired
    return {...d, environment: neutralEnvironment(side.label), cluster: {...d.cluster, clusterId: undefined}}
  }
  const adopted = adoptState(side.observed, defaults)
  return {
    environment: neutralEnvironment(side.label),
    // Passwords are not part of a live side: users compare by mechanism and iterations.
    cluster: {topics: adopted.topics, acls: adopted.raw, subjects: side.observed.subjects,
      users: (side.observed.users ?? []).map(withoutVerdicts), quotas: side.observed.quotas ?? []},
    topicMeta: adopted.topics.map((t) => ({name: t.name, labels: {}, ...(adopted.owners.has(t.name) ? {owner: adopted.owners.get(t.name)} : {})})),
    services: adopted.services,
    users: [],
    schemas: [],
    jobs: [],
    policies: [],
  }
}

function asObserved(side: DiffSide): ClusterState {
  // The other side's topics need not fit this side's brokers: a diff is not an apply.
  if (side.kind === 'live') return {...side.observed, brokerCount: undefined, brokerIds: undefined}
  const d = side.desired
  const derived: AclEntry[] = [...deriveAcls(d.services, d.topicMeta).acls, ...d.cluster.acls]
  return {topics: d.cluster.topics, acls: derived, subjects: wantedSubjects(d), users: d.cluster.users ?? [], quotas: d.cluster.quotas ?? []}
}

function withoutVerdicts(u: UserState): UserState {
  return {name: u.name, credentials: u.credentials.map((c) => ({mechanism: c.mechanism, iterations: c.iterations}))}
}

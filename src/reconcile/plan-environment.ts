import {passwordVerdict} from '../apply/credential-fingerprint.js'
import {LEDGER_READER_GROUP_PREFIX} from '../apply/internal-log.js'
import {PRINCIPAL_LEDGER_TOPIC, PrincipalLedger, type LedgerState} from '../apply/principal-ledger.js'
import type {QuotaEntity} from '../cluster/gateway.js'
import {DiagnosticsError, StreamctlError} from '../errors.js'
import type {DesiredState} from '../model/desired.js'
import type {ClusterState, PasswordVerdict, QuotaState, ScramMechanismId, SubjectState, UserState} from '../model/state.js'
import {desiredSubjects, subjectDiagnostic} from '../schemas/desired-subjects.js'
import {pinReferencesAtRegistry} from '../schemas/pin-references.js'
import {checkDesiredSubjects, observeAllSubjects, refuseInvalid} from '../schemas/observe-subjects.js'
import {TOPIC_CONFIGS} from '../manifest/kafka-topic-configs.js'
import {observeCluster} from '../observe/observe-cluster.js'
import {withPlacementIfDeclared} from '../observe/observe-placement.js'
import {activityRequests, assessImpact, impactSettingsFor, isInternalTopic, planChanges, topicDefaultsFrom, type Plan} from '../plan/index.js'
import {observeActivity} from '../observe/observe-activity.js'
import {planEnvironmentConnectors} from '../connect/environment-connectors.js'
import {observeReplicaLag} from '../observe/observe-replica-lag.js'
import {sealPlan} from '../plan/planner.js'
import type {Target} from './target.js'

export interface PlanRequest {
  readonly allowDelete?: boolean
  /** Start the dev cluster's Connect worker when the environment's connectors need it (`cluster: dev`). */
  readonly startConnect?: boolean
  /** Topics whose delete goes ahead even while they are in use (the active-delete rule). */
  readonly allowActiveDelete?: readonly string[]
  readonly retentionStep?: number
  readonly throttle?: number
  /** Observe brokers' racks, leaders, moves in flight and sizes even when no topic declares a placement (rebalance). */
  readonly placement?: boolean
}

export interface PlannedChanges {
  readonly plan: Plan
  readonly observed: ClusterState
}

export const TOPIC_DEFAULTS = topicDefaultsFrom(TOPIC_CONFIGS)

/**
 * Observes the cluster and plans. Internal topics (Kafka's, the registry's, our lock and audit
 * topics) are left out of the observation: the planner never touches them, and the lock topic
 * appearing between plan and apply must not make a saved plan look stale. Undeclared topics are
 * observed by name and layout only: the plan reports or prunes them by name and never reads
 * their configs.
 */
export async function observeForPlan(target: Target, desired: DesiredState, request: PlanRequest = {}): Promise<ClusterState> {
  // Subjects first: a registry that is down or a schema it refuses stops the plan before Kafka is asked.
  const subjects = await observeDesiredSubjects(target, desired)
  const declared = new Set(desired.cluster.topics.map((t) => t.name))
  const ledger = await readLedger(target, desired.environment.name)
  const appliedPrincipals = ledger.principals
  const [cluster, identities] = await Promise.all([
    observeCluster(target.gateway, {
      acls: aclsMatter(desired, appliedPrincipals, request), topicFilter: (name) => !isInternalTopic(name), configFilter: (name) => declared.has(name), kafkaDefaults: TOPIC_DEFAULTS,
    }),
    observeIdentities(target, desired, ledger),
  ])
  const placed = await withPlacementIfDeclared(target, desired, cluster, request.placement ?? false)
  return {...placed, subjects, ...(appliedPrincipals.length > 0 ? {appliedPrincipals} : {}), ...identities}
}

/**
 * SCRAM users and client quotas, read when the plan could change one: something is declared, the
 * environment owns principals by glob, or the ledger says it set some before. Each declared
 * credential's password is judged against the fingerprint streamctl recorded (Kafka never returns
 * passwords), so the planner sees `matches`, `differs` or `unknown` and never the secret.
 */
async function observeIdentities(target: Target, desired: DesiredState, ledger: LedgerState): Promise<Partial<ClusterState>> {
  const globs = (desired.environment.prune?.principals ?? []).length > 0
  const appliedUsers = Object.keys(ledger.credentials).sort()
  const usersMatter = desired.users.length > 0 || appliedUsers.length > 0 || globs
  const quotasMatter = (desired.cluster.quotas ?? []).length > 0 || ledger.quotaEntities.length > 0 || globs
  const [credentials, quotas] = await Promise.all([
    usersMatter ? target.gateway.describeUserScramCredentials() : undefined,
    quotasMatter ? target.gateway.describeClientQuotas() : undefined,
  ])
  const passwords = new Map(desired.users.map((u) => [u.name, u.password]))
  const sasl = target.connection.sasl
  const connectedUser = sasl && sasl.mechanism !== 'plain' ? sasl.username : undefined
  const verdict = async (user: string, mechanism: ScramMechanismId, password: string): Promise<PasswordVerdict> => {
    const recorded = await passwordVerdict(ledger.credentials[user]?.[mechanism], user, mechanism, password)
    // The connection's own password is known to work (we are logged in with it), though only for its mechanism.
    const ownMechanism = sasl?.mechanism.toUpperCase() === mechanism
    if (recorded === 'unknown' && user === connectedUser && ownMechanism) return password === sasl.password.reveal() ? 'matches' : 'differs'
    return recorded
  }
  const users: UserState[] | undefined = credentials && await Promise.all(credentials.map(async (c) => ({
    name: c.user,
    credentials: await Promise.all(c.mechanisms.map(async (m) => {
      const password = passwords.get(c.user)
      return {mechanism: m.mechanism, iterations: m.iterations, ...(password ? {password: await verdict(c.user, m.mechanism, password.reveal())} : {})}
    })),
  })))
  return {
    ...(users ? {users} : {}),
    ...(quotas ? {quotas: quotas.flatMap((q) => quotaStateOf(q.entity, q.values))} : {}),
    ...(appliedUsers.length > 0 ? {appliedUsers} : {}),
    ...(ledger.quotaEntities.length > 0 ? {appliedQuotaEntities: [...ledger.quotaEntities]} : {}),
    ...(connectedUser === undefined ? {} : {connectedUser}),
  }
}

/** Only user and client-id entities are managed; IP quotas are left out of the state altogether. */
export function quotaStateOf(entity: QuotaEntity, values: Readonly<Record<string, number>>): QuotaState[] {
  const types = Object.keys(entity)
  if (types.length === 0 || types.some((t) => t !== 'user' && t !== 'client-id')) return []
  return [{
    entity: {...('user' in entity ? {user: entity.user ?? null} : {}), ...('client-id' in entity ? {clientId: entity['client-id'] ?? null} : {})},
    values: {...values},
  }]
}

/**
 * ACLs are read whenever the plan could change one: declared grants, a principal scope (globs or
 * principals applied before), or topic deletions (a deleted topic's ACLs go with it).
 */
function aclsMatter(desired: DesiredState, appliedPrincipals: readonly string[], request: PlanRequest): boolean {
  const env = desired.environment
  return desired.services.length > 0 || desired.cluster.acls.length > 0 || appliedPrincipals.length > 0 ||
    env.prune !== undefined || (request.allowDelete ?? false)
}

/** What this environment applied before: principals, credentials' fingerprints, quota entities (the ledger in Kafka). */
export async function readLedger(target: Target, environment: string): Promise<LedgerState> {
  const admin = await target.connectAdmin()
  try {
    return await new PrincipalLedger(target.kafka, admin).read(environment)
  } catch (error) {
    throw ledgerReadError(error) ?? error
  } finally {
    await admin.disconnect()
  }
}

/** A ledger the connected principal may not read: which grants plan needs, instead of kafkajs's bare refusal. */
function ledgerReadError(error: unknown): StreamctlError | undefined {
  const type = (error as {type?: unknown}).type
  if (type !== 'TOPIC_AUTHORIZATION_FAILED' && type !== 'GROUP_AUTHORIZATION_FAILED') return undefined
  return new StreamctlError('CLUSTER_AUTH', `the connected principal may not read ${PRINCIPAL_LEDGER_TOPIC}, where streamctl keeps what this environment applied before (${type})`, {
    hint: `grant it READ and DESCRIBE on topic ${PRINCIPAL_LEDGER_TOPIC} and READ on groups prefixed ${LEDGER_READER_GROUP_PREFIX} (the README lists what plan and apply need)`,
    cause: error,
  })
}

/**
 * The desired subjects as the environment's registry holds them, with the registry's verdict on
 * each change. Only subjects the manifests name are read: a registry can hold thousands.
 */
export async function observeDesiredSubjects(target: Target, desired: DesiredState): Promise<SubjectState[]> {
  const {subjects: wanted, problems} = desiredSubjects(desired)
  if (problems.length > 0) {
    throw new DiagnosticsError(problems.map(subjectDiagnostic))
  }
  if (wanted.length === 0) return []
  if (!target.registry) {
    throw new StreamctlError('REGISTRY_ERROR', `the manifests declare ${wanted.length} schema subject(s) for ${desired.environment.name}, but there is no registry to register them in: ${target.noRegistryReason ?? 'no registry'}`, {
      hint: 'give the environment a registry, or leave the Schema resources out of this manifest set',
    })
  }
  const checked = await checkDesiredSubjects(target.registry, wanted)
  refuseInvalid(checked)
  return checked.subjects
}

/**
 * Everything live (export, diff): the cluster plus every subject of the registry, when there is
 * one. `internalTopics: false` leaves internal topics out of the detailed description (diff).
 */
export async function observeLive(target: Target, options: {internalTopics?: boolean} = {}): Promise<ClusterState> {
  const [cluster, subjects, credentials, quotas] = await Promise.all([
    observeCluster(target.gateway, {acls: true, kafkaDefaults: TOPIC_DEFAULTS, ...(options.internalTopics === false ? {topicFilter: (n: string) => !isInternalTopic(n)} : {})}),
    target.registry ? observeAllSubjects(target.registry) : Promise.resolve([] as SubjectState[]),
    target.gateway.describeUserScramCredentials(),
    target.gateway.describeClientQuotas(),
  ])
  return {
    ...cluster, subjects,
    users: credentials.map((c) => ({name: c.user, credentials: [...c.mechanisms]})),
    quotas: quotas.flatMap((q) => quotaStateOf(q.entity, q.values)),
  }
}

/** The desired state with `version: latest` references pinned at the environment's registry (none: as is, observing says why). */
export function pinnedDesired(target: Target, desired: DesiredState): Promise<DesiredState> {
  return target.registry ? pinReferencesAtRegistry(target.registry, desired) : Promise.resolve(desired)
}

export async function planEnvironment(target: Target, given: DesiredState, request: PlanRequest = {}): Promise<PlannedChanges> {
  const desired = await pinnedDesired(target, given)
  const observed = await observeForPlan(target, desired, request)
  const plan = planChanges(desired, observed, {
    allowDelete: request.allowDelete ?? false,
    allowActiveDelete: request.allowActiveDelete,
    retentionStep: request.retentionStep,
    throttle: request.throttle,
    now: new Date().toISOString(),
    topicDefaults: TOPIC_DEFAULTS,
  })
  const planned = await withConnectors(desired, await withImpact(target, desired, plan), request.startConnect ?? false)
  return {plan: await withReplicaLag(target, desired, observed, planned, request.startConnect ?? false), observed}
}

/** The plan with each Replica's lag beside it (outside the digest: lag moves). Unchanged without replicas. */
export async function withReplicaLag(target: Target, desired: DesiredState, observed: ClusterState, plan: Plan, start: boolean): Promise<Plan> {
  const replicas = await observeReplicaLag(target.gateway, desired, observed, {start})
  return replicas === undefined ? plan : {...plan, replicas}
}

/**
 * The plan with the environment's connectors: their Connect cluster observed and planned (invalid
 * configs stop the plan with located errors). Unchanged when the manifests manage no connector.
 */
export async function withConnectors(desired: DesiredState, plan: Plan, start: boolean): Promise<Plan> {
  const connectors = await planEnvironmentConnectors(desired, {start})
  if (connectors === undefined) return plan
  const {digest: _digest, summary: _summary, ...fields} = plan
  return sealPlan({...fields, connectors})
}

/**
 * The plan with the activity behind its risky actions and the safety rules applied. Activity is
 * read only when a risky action is planned, and only for the topics such actions touch.
 */
export async function withImpact(target: Target, desired: DesiredState, plan: Plan): Promise<Plan> {
  const requests = activityRequests(plan.actions)
  if (requests.length === 0) return plan
  const activity = await observeActivity(target.gateway, requests, Date.now())
  return assessImpact(plan, activity, impactSettingsFor(desired, plan.options.allowActiveDelete))
}

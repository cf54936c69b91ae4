import {AuditLog} from '../apply/audit.js'
import type {ApplyEvent, ApplyEventListener, ApplyResult} from '../apply/events.js'
import {executePlan} from '../apply/executor.js'
import {ClusterLock} from '../apply/lock.js'
import {fingerprintOf} from '../apply/credential-fingerprint.js'
import {PrincipalLedger, type LedgerState} from '../apply/principal-ledger.js'
import {StreamctlError} from '../errors.js'
import type {DesiredState} from '../model/desired.js'
import type {Secret} from '../model/secret.js'
import {quotaEntityKey, type ClusterState} from '../model/state.js'
import type {UserCredentialUpsertAction} from '../plan/index.js'
import {declaredPrincipals, observedDigest, planChanges, plannedSizes, hasChanges, planRefusal, type Plan} from '../plan/index.js'
import {applyEnvironmentConnectors} from '../connect/environment-connectors.js'
import type {ConnectorApplyEvent, ConnectorApplyResult} from '../connect/apply-connectors.js'
import {TOPIC_DEFAULTS, observeForPlan, pinnedDesired, planEnvironment, withConnectors, withImpact, type PlanRequest, type PlannedChanges} from './plan-environment.js'
import {planRebalanceEnvironment} from './rebalance-environment.js'
import type {Target} from './target.js'

export interface ApplyRequest extends PlanRequest {
  /** A reviewed plan (`plan -o plan.json`): applied exactly, refused if the cluster changed since. */
  readonly savedPlan?: Plan
  /** `--dry-run`: the brokers validate the changes; nothing changes, no lock, no audit. */
  readonly validateOnly?: boolean
  /** Asked once the plan is known (TTY confirmation); false aborts before any change. */
  readonly confirm?: (plan: Plan) => Promise<boolean>
  readonly onPlan?: (plan: Plan) => void
  readonly onEvent?: ApplyEventListener
  /** Each connector action as it starts, finishes or fails. */
  readonly onConnectorEvent?: (e: ConnectorApplyEvent) => void
  readonly lockWaitMs?: number
  readonly leaseMs?: number
  readonly signal?: AbortSignal
  readonly streamctlVersion?: string
  /** Lets a caller wrap the execution (e.g. in a progress display) after confirmation. */
  readonly wrapExecution?: (plan: Plan, run: () => Promise<ApplyResult>) => Promise<ApplyResult>
  /** `streamctl rebalance --apply`: plan placement moves only (see rebalance-plan.ts); the ledger is left as it is. */
  readonly rebalance?: {readonly drain?: readonly number[]}
}

export const APPLY_OUTCOMES = ['applied', 'no-changes', 'declined', 'failed', 'validated'] as const
export type ApplyOutcome = (typeof APPLY_OUTCOMES)[number]

export interface ApplyReport {
  readonly outcome: ApplyOutcome
  readonly plan: Plan
  readonly result?: ApplyResult
  /** The connector actions done (and the one that failed), when the plan had any. */
  readonly connectors?: ConnectorApplyResult
}

/**
 * The apply flow: lock → observe → (check the saved plan is still current | plan) → confirm →
 * execute → audit → unlock. The lock is held from observation to the audit record, so the plan
 * that is executed is the plan of the state under the lock.
 */
export async function applyEnvironment(target: Target, desired: DesiredState, request: ApplyRequest = {}): Promise<ApplyReport> {
  if (request.validateOnly) {
    const {plan} = await currentPlan(target, desired, request)
    request.onPlan?.(plan)
    refuseBlocking(plan)
    if (!hasChanges(plan)) return {outcome: 'no-changes', plan}
    const result = await executePlan(plan.actions, target.gateway, {validateOnly: true, onEvent: request.onEvent, signal: request.signal, registry: target.registry})
    return {outcome: result.ok ? 'validated' : 'failed', plan, result}
  }

  const admin = await target.connectAdmin()
  try {
    // One lock per cluster (its id), whatever the environment's name.
    const lock = await ClusterLock.forCluster(target.kafka, admin, {waitMs: request.lockWaitMs, leaseMs: request.leaseMs, environment: desired.environment.name})
    await lock.acquire()
    try {
      const audit = new AuditLog(target.kafka, admin)
      const clusterId = lock.clusterId ?? ''
      // Holding the lock, any apply of this cluster still without an end record is dead: say so.
      const [{plan, observed}] = await Promise.all([currentPlan(target, desired, request), audit.prepare().then(() => audit.closeInterrupted(clusterId, 'closed by the next apply once its lock lease had expired'))])
      request.onPlan?.(plan)
      refuseBlocking(plan)
      const auditBase = {environment: desired.environment.name, clusterId: plan.clusterId ?? '', planDigest: plan.digest, streamctlVersion: request.streamctlVersion}
      const ledger = new PrincipalLedger(target.kafka, admin)
      const before = await ledger.read(desired.environment.name)
      const owned = ownedLedger(desired, observed, before)
      // A rebalance changes no ACL, user or quota: what the environment owns stays as recorded.
      const keepLedger = request.rebalance !== undefined
      if (!hasChanges(plan)) {
        // Nothing left to delete: the ledger is exactly what the manifests declare.
        if (!keepLedger) await ledger.write(desired.environment.name, await declaredLedger(desired, observed, before, []), before)
        await audit.append({...auditBase, result: 'no-changes', actions: {total: 0, done: 0, failed: 0}})
        return {outcome: 'no-changes', plan}
      }
      if (request.confirm && !(await request.confirm(plan))) return {outcome: 'declined', plan}
      // Owned principals, users and quota entities are recorded before any change, so even a killed apply leaves them in scope.
      if (!keepLedger) await ledger.write(desired.environment.name, owned, before)
      // Start record before the first change, progress per finished batch, end record after.
      const session = await audit.begin({...auditBase, total: plan.actions.length})
      const onEvent = (e: ApplyEvent): void => {
        session.onEvent(e)
        request.onEvent?.(e)
      }
      const run = (): Promise<ApplyResult> => executePlan(plan.actions, target.gateway, {onEvent, signal: request.signal, registry: target.registry, passwords: passwordsOf(desired)})
      let result: ApplyResult
      try {
        result = await (request.wrapExecution ? request.wrapExecution(plan, run) : run())
      } catch (error) {
        await session.end('failed', {total: plan.actions.length, done: 0, failed: 0}, error instanceof Error ? error.message : String(error)).catch(() => undefined)
        throw error
      }
      const setCredentials = doneUpserts(plan, result)
      // Once every planned deletion is done, what the manifests dropped is released; else the passwords set so far are recorded.
      if (!keepLedger) await ledger.write(desired.environment.name, result.ok
        ? await declaredLedger(desired, observed, before, setCredentials)
        : await withFingerprints(owned, desired, setCredentials), owned)
      // Connectors last: the topics and ACLs they read and write exist by now. Not after a failure.
      const connectors = result.ok && plan.connectors && plan.connectors.actions.length > 0
        ? await applyEnvironmentConnectors(desired, plan.connectors, {start: request.startConnect ?? false, onEvent: request.onConnectorEvent})
        : undefined
      const failed = result.results.find((r) => r.outcome === 'failed')
      const ok = result.ok && connectors?.failed === undefined
      const error = failed?.error ?? connectors?.failed?.error.message
      await session.end(ok ? 'applied' : 'failed', {total: plan.actions.length, done: result.counts.done, failed: result.counts.failed}, error)
      return {outcome: ok ? 'applied' : 'failed', plan, result, ...(connectors ? {connectors} : {})}
    } finally {
      await lock.release()
    }
  } finally {
    await admin.disconnect()
  }
}

async function currentPlan(target: Target, given: DesiredState, request: ApplyRequest): Promise<PlannedChanges> {
  if (request.rebalance) return planRebalanceEnvironment(target, given, {throttle: request.throttle, drain: request.rebalance.drain})
  const saved = request.savedPlan
  if (!saved) return planEnvironment(target, given, request)
  const desired = await pinnedDesired(target, given)
  if (saved.environment !== desired.environment.name) {
    throw new StreamctlError('PLAN_STALE', `the plan was made for environment "${saved.environment}", not "${desired.environment.name}"`, {
      hint: `apply it with -e ${saved.environment}`,
    })
  }
  const observed = await observeForPlan(target, desired, {allowDelete: saved.options.allowDelete})
  if (observedDigest(observed) !== saved.observedDigest) {
    throw new StreamctlError('PLAN_STALE', `the cluster of "${saved.environment}" changed since the plan was made (digest ${saved.observedDigest.slice(0, 12)})`, {
      hint: 'run `streamctl plan -o plan.json` again, review it, and apply the new plan',
    })
  }
  // Same observed state: re-planning must give the reviewed plan; if the manifests changed, refuse.
  const replanned = await withConnectors(desired, await withImpact(target, desired, planChanges(desired, observed.partitionSizes === undefined ? observed : {...observed, partitionSizes: plannedSizes(saved.actions)}, {
    allowDelete: saved.options.allowDelete,
    allowActiveDelete: saved.options.allowActiveDelete,
    retentionStep: saved.options.retentionStep ?? undefined,
    throttle: saved.options.throttle ?? undefined,
    topicDefaults: TOPIC_DEFAULTS,
  })), request.startConnect ?? false)
  if (replanned.digest !== saved.digest) {
    // The safety rules run again on today's activity: a group that started reading a topic the plan deletes makes it stale too.
    const newlyBlocked = replanned.blocked.filter((b) => !saved.blocked.some((s) => s.kind === b.kind && s.resource === b.resource && s.action === b.action))
    throw new StreamctlError('PLAN_STALE', newlyBlocked.length > 0
      ? `the plan is no longer safe to apply: ${newlyBlocked.map((b) => b.reason).join('; ')}`
      : 'the manifests changed since the plan was made', {
      hint: 'run `streamctl plan -o plan.json` again with the current manifests, review it, and apply the new plan',
    })
  }
  return {plan: saved, observed}
}

function refuseBlocking(plan: Plan): void {
  const refusal = planRefusal(plan)
  if (refusal) throw new StreamctlError(refusal.code, refusal.message.replace('nothing can be applied', 'nothing was applied'), {hint: refusal.hint})
}

function doneUpserts(plan: Plan, result: ApplyResult): UserCredentialUpsertAction[] {
  const done = new Set(result.results.filter((r) => r.outcome === 'done').map((r) => r.id))
  return plan.actions.filter((a): a is UserCredentialUpsertAction => a.kind === 'user.credential.upsert' && done.has(a.id))
}

/** The ledger while an apply runs: everything owned before plus everything declared now. */
function ownedLedger(desired: DesiredState, observed: ClusterState, before: LedgerState): LedgerState {
  const credentials: Record<string, LedgerState['credentials'][string]> = {...before.credentials}
  for (const u of desired.users) credentials[u.name] ??= {}
  return {
    principals: observed.aclsSupported === false ? before.principals : [...new Set([...before.principals, ...declaredPrincipals(desired)])].sort(),
    credentials,
    quotaEntities: [...new Set([...before.quotaEntities, ...(desired.cluster.quotas ?? []).map((q) => quotaEntityKey(q.entity))])].sort(),
  }
}

/** After a complete apply: exactly what the manifests declare, with the fingerprint of each password streamctl set. */
function declaredLedger(desired: DesiredState, observed: ClusterState, before: LedgerState, set: readonly UserCredentialUpsertAction[]): Promise<LedgerState> {
  const credentials: Record<string, LedgerState['credentials'][string]> = {}
  for (const u of desired.users) {
    const kept = before.credentials[u.name] ?? {}
    credentials[u.name] = Object.fromEntries(u.credentials.flatMap((c) => (kept[c.mechanism] ? [[c.mechanism, kept[c.mechanism]]] : [])))
  }
  return withFingerprints({
    principals: observed.aclsSupported === false ? before.principals : declaredPrincipals(desired),
    credentials,
    quotaEntities: (desired.cluster.quotas ?? []).map((q) => quotaEntityKey(q.entity)).sort(),
  }, desired, set)
}

function passwordsOf(desired: DesiredState): Map<string, Secret> {
  return new Map(desired.users.map((u) => [u.name, u.password]))
}

async function withFingerprints(state: LedgerState, desired: DesiredState, set: readonly UserCredentialUpsertAction[]): Promise<LedgerState> {
  const passwords = passwordsOf(desired)
  const credentials: Record<string, LedgerState['credentials'][string]> = {...state.credentials}
  const fingerprints = await Promise.all(set.map(async (a) => {
    const password = passwords.get(a.user)
    return password ? {a, fingerprint: await fingerprintOf(a.user, a.mechanism, password.reveal())} : undefined
  }))
  for (const f of fingerprints) if (f) credentials[f.a.user] = {...credentials[f.a.user], [f.a.mechanism]: f.fingerprint}
  return {...state, credentials}
}

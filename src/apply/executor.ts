import {batchFailuresOf} from '../cluster/errors.js'
import type {AdminGateway, ConfigAlteration, QuotaEntity} from '../cluster/gateway.js'
import type {Secret} from '../model/secret.js'
import type {QuotaEntityRef} from '../model/state.js'
import {StreamctlError} from '../errors.js'
import type {Action} from '../plan/index.js'
import type {RegistryClient} from '../registry/client/registry-client.js'
import type {ActionResult, ApplyEvent, ApplyEventListener, ApplyResult} from './events.js'
import {awaitVisible, expectationsOf, isEmpty} from './await-visible.js'
import {moveReplicas} from './reassign.js'
import {clearThrottles, electPreferredLeaders, runPlacementMoves} from './placement-move.js'

export interface ExecuteOptions {
  /**
   * Ask the brokers to validate without changing anything (CreateTopics, CreatePartitions and
   * IncrementalAlterConfigs have validate-only modes); kinds without one are reported as skipped.
   */
  readonly validateOnly?: boolean
  readonly onEvent?: ApplyEventListener
  readonly signal?: AbortSignal
  /** How long to wait for a partition reassignment to finish before reporting it in progress. */
  readonly reassignmentTimeoutMs?: number
  /** The environment's schema registry, for `schema.*` actions. */
  readonly registry?: RegistryClient
  /**
   * After the changes, how long to wait until every broker reads them back (default 60 s); 0 skips
   * the wait. A plan right after apply then shows no changes whichever broker it asks.
   */
  readonly visibilityTimeoutMs?: number
  /** The declared Users' passwords, for `user.credential.upsert` (plans never hold them). */
  readonly passwords?: ReadonlyMap<string, Secret>
}

const VALIDATABLE: ReadonlySet<Action['kind']> = new Set(['topic.create', 'topic.partitions.increase', 'topic.config.alter', 'quota.alter'])

/**
 * Runs a plan's actions in plan order, batching consecutive actions of one kind into one admin
 * request. It stops at the first failed batch: everything before it is done, that batch failed,
 * everything after it is skipped — and since plans are computed from observed state, a re-run
 * converges. The executor branches on `kind` and data only, never on `reason`.
 */
export async function executePlan(actions: readonly Action[], gateway: AdminGateway, options: ExecuteOptions = {}): Promise<ApplyResult> {
  const emit = options.onEvent ?? (() => undefined)
  const results: ActionResult[] = []
  const batches = batchByKind(actions)
  let stopped: string | null = null
  for (const batch of batches) {
    const kind = batch[0]!.kind
    if (stopped !== null || options.signal?.aborted) {
      const why = stopped ?? 'interrupted'
      for (const a of batch) {
        results.push({id: a.id, kind: a.kind, outcome: 'skipped', why})
        emit({type: 'action.skipped', action: a.id, why})
      }
      continue
    }
    if (options.validateOnly && !VALIDATABLE.has(kind)) {
      for (const a of batch) {
        const why = `${kind} has no validate-only mode in Kafka`
        results.push({id: a.id, kind: a.kind, outcome: 'skipped', why})
        emit({type: 'action.skipped', action: a.id, why})
      }
      continue
    }
    emit({type: 'batch.start', kind, actions: batch.map((a) => a.id)})
    try {
      await runBatch(batch, gateway, options)
      for (const a of batch) {
        results.push({id: a.id, kind: a.kind, outcome: options.validateOnly ? 'validated' : 'done'})
        emit({type: 'action.done', action: a.id})
      }
    } catch (error) {
      const failed = recordFailure(batch, error, options.validateOnly ?? false, results, emit)
      stopped = `an earlier step failed (${failed[0]!.id}${failed.length > 1 ? ` and ${failed.length - 1} more` : ''})`
    }
  }
  const count = (o: ActionResult['outcome']): number => results.filter((r) => r.outcome === o).length
  const counts = {done: count('done'), failed: count('failed'), skipped: count('skipped'), validated: count('validated')}
  const ok = counts.failed === 0 && (options.validateOnly ? true : counts.skipped === 0)
  const visibility = options.validateOnly || options.visibilityTimeoutMs === 0 ? undefined : await waitVisible(actions, results, gateway, options)
  return {ok, results, counts, ...(visibility ? {visibility} : {})}
}

async function waitVisible(actions: readonly Action[], results: readonly ActionResult[], gateway: AdminGateway, options: ExecuteOptions): Promise<ApplyResult['visibility']> {
  const done = new Set(results.filter((r) => r.outcome === 'done').map((r) => r.id))
  const expected = expectationsOf(actions.filter((a) => done.has(a.id)))
  if (isEmpty(expected)) return undefined
  return awaitVisible(gateway, expected, {timeoutMs: options.visibilityTimeoutMs, signal: options.signal, onEvent: options.onEvent})
}

/**
 * Records a failed batch. When the gateway says which resources failed (by their position in the
 * batch) each action gets its own error, the ones never sent are skipped and the rest are done;
 * otherwise every action of the batch failed with the one message. Each failure is reported once,
 * with its own resource only, so output grows linearly with the number of failures.
 */
function recordFailure(batch: readonly Action[], error: unknown, validateOnly: boolean, results: ActionResult[], emit: (e: ApplyEvent) => void): Action[] {
  const outcome = batchFailuresOf(error)
  const perAction = outcome && outcome.total === batch.length ? outcome : undefined
  const failedAt = new Map(perAction?.failures.map((f) => [f.index, f.error.message]))
  const notSent = new Set(perAction?.notSent)
  const message = error instanceof Error ? error.message : String(error)
  const failed: Action[] = []
  batch.forEach((a, i) => {
    const own = perAction ? failedAt.get(i) : message
    if (own !== undefined) {
      failed.push(a)
      results.push({id: a.id, kind: a.kind, outcome: 'failed', error: own})
      emit({type: 'action.failed', action: a.id, error: own})
    } else if (notSent.has(i)) {
      const why = 'not sent: an earlier request of this step failed'
      results.push({id: a.id, kind: a.kind, outcome: 'skipped', why})
      emit({type: 'action.skipped', action: a.id, why})
    } else {
      results.push({id: a.id, kind: a.kind, outcome: validateOnly ? 'validated' : 'done'})
      emit({type: 'action.done', action: a.id})
    }
  })
  return failed.length > 0 ? failed : [batch[0]!]
}

/** Kinds whose API takes one resource per request: one batch each, so results stay exact per action. */
const UNBATCHED: ReadonlySet<Action['kind']> = new Set(['schema.compatibility.set', 'schema.register'])

/** Consecutive actions of the same kind (the planner already orders by dependency). */
export function batchByKind(actions: readonly Action[]): Action[][] {
  const batches: Action[][] = []
  for (const a of actions) {
    const last = batches.at(-1)
    if (last && last[0]!.kind === a.kind && !UNBATCHED.has(a.kind)) last.push(a)
    else batches.push([a])
  }
  return batches
}

async function runBatch(batch: readonly Action[], gateway: AdminGateway, options: ExecuteOptions): Promise<void> {
  const validateOnly = options.validateOnly ?? false
  const of = <K extends Action['kind']>(k: K) => batch.filter((a): a is Extract<Action, {kind: K}> => a.kind === k)
  switch (batch[0]!.kind) {
    case 'topic.create':
      return gateway.createTopics(
        of('topic.create').map((a) => ({name: a.topic, partitions: a.partitions, replicationFactor: a.replicationFactor, config: a.config})),
        {validateOnly},
      )
    case 'topic.partitions.increase':
      return gateway.createPartitions(of('topic.partitions.increase').map((a) => ({topic: a.topic, totalCount: a.after})), {validateOnly})
    case 'topic.config.alter': {
      const alterations: ConfigAlteration[] = of('topic.config.alter').map((a) => ({
        resourceType: 'TOPIC',
        resourceName: a.topic,
        ops: a.changes.map((c) => (c.op === 'set' ? {key: c.key, op: 'SET', value: c.after ?? ''} : {key: c.key, op: 'DELETE'})),
      }))
      return gateway.incrementalAlterConfigs(alterations, {validateOnly})
    }
    case 'topic.replication.change':
      for (const a of of('topic.replication.change')) {
        await moveReplicas(gateway, a, {timeoutMs: options.reassignmentTimeoutMs, onEvent: options.onEvent, signal: options.signal})
      }
      return
    case 'topic.placement.reassign':
      return runPlacementMoves(gateway, of('topic.placement.reassign'), {timeoutMs: options.reassignmentTimeoutMs, onEvent: options.onEvent, signal: options.signal})
    case 'topic.leaders.elect':
      return electPreferredLeaders(gateway, of('topic.leaders.elect'))
    case 'replication.throttle.clear':
      return clearThrottles(gateway, of('replication.throttle.clear'))
    case 'acl.create':
      return gateway.createAcls(of('acl.create').map((a) => a.acl))
    case 'acl.delete':
      await gateway.deleteAcls(of('acl.delete').map((a) => a.acl))
      return
    case 'topic.delete':
      return gateway.deleteTopics(of('topic.delete').map((a) => a.topic))
    case 'user.credential.upsert':
      return gateway.alterUserScramCredentials(of('user.credential.upsert').map((a) => ({
        kind: 'upsert', user: a.user, mechanism: a.mechanism, iterations: a.iterations, password: passwordOf(a.user, options),
      })))
    case 'user.credential.delete':
      return gateway.alterUserScramCredentials(of('user.credential.delete').map((a) => ({kind: 'delete', user: a.user, mechanism: a.mechanism})))
    case 'quota.alter':
      return gateway.alterClientQuotas(of('quota.alter').map((a) => ({entity: wireEntity(a.entity), ops: a.changes.map((c) => ({key: c.key, value: c.after}))})), {validateOnly})
    case 'schema.compatibility.set': {
      const registry = needRegistry(options)
      for (const a of of('schema.compatibility.set')) await registry.setSubjectCompatibility(a.subject, a.after)
      return
    }
    case 'schema.register': {
      const registry = needRegistry(options)
      for (const a of of('schema.register')) await registry.register(a.subject, {schemaType: a.schemaType, schema: a.schema, references: a.references})
      return
    }
  }
}

/** Kafka's entity types for a quota entity: `user`, `client-id`; null is the default entity. */
export function wireEntity(e: QuotaEntityRef): QuotaEntity {
  return {...(e.user === undefined ? {} : {user: e.user}), ...(e.clientId === undefined ? {} : {'client-id': e.clientId})}
}

function passwordOf(user: string, options: ExecuteOptions): string {
  const secret = options.passwords?.get(user)
  if (secret) return secret.reveal()
  throw new StreamctlError('MANIFEST_INVALID', `the plan sets a credential of user ${user}, but no User ${user} with a password is declared for this environment`, {
    hint: 'plan again with the manifests that declare the user',
  })
}

function needRegistry(options: ExecuteOptions): RegistryClient {
  if (options.registry) return options.registry
  throw new StreamctlError('REGISTRY_ERROR', 'the plan registers schemas but no schema registry is connected', {
    hint: 'declare `registry: {url: ...}` in the Environment (or run the dev cluster with its registry)',
  })
}

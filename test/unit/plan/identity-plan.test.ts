import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {EnvironmentSpec} from '../../../src/model/environment.js'
import {QUOTA_KEYS, quotaEntityKey, type QuotaEntityRef, type QuotaState, type UserState} from '../../../src/model/state.js'
import type {Action, QuotaAlterAction} from '../../../src/plan/actions.js'
import {planQuotas, planUsers, type IdentityScope} from '../../../src/plan/identity-plan.js'

const SEED = Number(process.env.FC_SEED ?? 20261203)
const RUNS = Number(process.env.FC_RUNS ?? 300)

function env(over: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  return {name: 'test', productionLike: false, defaults: {config: {}}, protect: [], variables: {}, ...over}
}

function scope(over: Partial<IdentityScope> = {}): IdentityScope {
  return {environment: env(), appliedUsers: new Set(), appliedQuotaEntities: new Set(), manageAll: false, ...over}
}

const user = (name: string, ...creds: [UserState['credentials'][number]['mechanism'], number, UserState['credentials'][number]['password']?][]): UserState => ({
  name, credentials: creds.map(([mechanism, iterations, password]) => ({mechanism, iterations, ...(password ? {password} : {})})),
})

const ids = (actions: readonly Action[]) => actions.map((a) => a.id)

describe('planUsers', () => {
  const from = new Map([['orders', 'env:ORDERS_PASSWORD']])

  it('creates, rotates, re-salts and sets unverified passwords, naming where the password comes from', () => {
    const desired = [user('orders', ['SCRAM-SHA-256', 8192], ['SCRAM-SHA-512', 8192])]
    expect(planUsers(desired, [], from, scope()).actions.map((a) => a.kind === 'user.credential.upsert' && [a.mechanism, a.change, a.passwordFrom, a.risk]))
      .toEqual([['SCRAM-SHA-256', 'create', 'env:ORDERS_PASSWORD', 'safe'], ['SCRAM-SHA-512', 'create', 'env:ORDERS_PASSWORD', 'safe']])
    const observed = [user('orders', ['SCRAM-SHA-256', 4096, 'matches'], ['SCRAM-SHA-512', 8192, 'differs'])]
    const plan = planUsers(desired, observed, from, scope()).actions
    expect(plan.map((a) => a.kind === 'user.credential.upsert' && [a.mechanism, a.change, a.beforeIterations, a.risk]))
      .toEqual([['SCRAM-SHA-256', 'iterations', 4096, 'safe'], ['SCRAM-SHA-512', 'rotate', 8192, 'disruptive']])
    const unknown = planUsers(desired, [user('orders', ['SCRAM-SHA-256', 8192, 'unknown'], ['SCRAM-SHA-512', 8192, 'matches'])], from, scope()).actions
    expect(unknown.map((a) => a.kind === 'user.credential.upsert' && a.change)).toEqual(['unverified'])
  })

  it('plans nothing when every credential matches, and compares without verdicts by mechanism and iterations only (diff)', () => {
    const desired = [user('orders', ['SCRAM-SHA-512', 8192])]
    expect(planUsers(desired, [user('orders', ['SCRAM-SHA-512', 8192, 'matches'])], from, scope()).actions).toEqual([])
    expect(planUsers(desired, [user('orders', ['SCRAM-SHA-512', 8192])], from, scope()).actions).toEqual([])
  })

  it('removes a mechanism the User no longer declares', () => {
    const plan = planUsers([user('orders', ['SCRAM-SHA-512', 8192])], [user('orders', ['SCRAM-SHA-256', 4096, 'matches'], ['SCRAM-SHA-512', 8192, 'matches'])], from, scope())
    expect(plan.actions).toMatchObject([{kind: 'user.credential.delete', mechanism: 'SCRAM-SHA-256', allowedBy: 'declared', risk: 'destructive'}])
  })

  it('deletes undeclared users only inside the scope; protect globs and the connected user always win', () => {
    const observed = [
      user('admin', ['SCRAM-SHA-512', 4096]), user('orders-service', ['SCRAM-SHA-512', 8192]),
      user('old-service', ['SCRAM-SHA-256', 4096], ['SCRAM-SHA-512', 4096]), user('legacy', ['SCRAM-SHA-512', 4096]), user('stranger', ['SCRAM-SHA-512', 4096]),
    ]
    const s = scope({
      environment: env({protect: ['User:orders-*'], prune: {prefixes: [], principals: ['User:*-service', 'User:admin']}}),
      appliedUsers: new Set(['legacy']), connectedUser: 'admin',
    })
    const plan = planUsers([], observed, new Map(), s)
    expect(ids(plan.actions)).toEqual(['user.credential.delete:legacy/SCRAM-SHA-512', 'user.credential.delete:old-service/SCRAM-SHA-256', 'user.credential.delete:old-service/SCRAM-SHA-512'])
    expect(plan.actions.map((a) => a.kind === 'user.credential.delete' && a.allowedBy)).toEqual(['applied-before', 'prune-scope', 'prune-scope'])
    expect(plan.unmanagedUsers).toEqual([
      {name: 'admin', reason: 'connected-user'}, {name: 'orders-service', reason: 'protected'}, {name: 'stranger', reason: 'outside-prune-scope'},
    ])
  })
})

describe('planQuotas', () => {
  it('sets, changes and removes keys (never writing 0), and says when a limit tightens', () => {
    const desired: QuotaState[] = [{entity: {user: 'orders'}, values: {producer_byte_rate: 1_048_576, consumer_byte_rate: 2_000_000}}]
    const observed: QuotaState[] = [{entity: {user: 'orders'}, values: {consumer_byte_rate: 1_000_000, request_percentage: 50}}]
    const [a, ...rest] = planQuotas(desired, observed, scope()).actions as QuotaAlterAction[]
    expect(rest).toEqual([])
    expect(a!.changes).toEqual([
      {key: 'consumer_byte_rate', before: 1_000_000, after: 2_000_000},
      {key: 'producer_byte_rate', before: null, after: 1_048_576},
      {key: 'request_percentage', before: 50, after: null},
    ])
    expect(a!.risk).toBe('disruptive')
    const lifted = planQuotas([{entity: {user: 'orders'}, values: {consumer_byte_rate: 3_000_000}}], [{entity: {user: 'orders'}, values: {consumer_byte_rate: 1_000_000}}], scope()).actions
    expect(lifted[0]!.risk).toBe('safe')
  })

  it('removes the quotas of an entity set before or of an owned user, and leaves the rest alone', () => {
    const observed: QuotaState[] = [
      {entity: {clientId: null}, values: {producer_byte_rate: 10}},
      {entity: {user: 'old-service', clientId: 'x'}, values: {consumer_byte_rate: 10}},
      {entity: {user: 'admin'}, values: {request_percentage: 10}},
      {entity: {clientId: 'batch'}, values: {producer_byte_rate: 10}},
    ]
    const s = scope({environment: env({protect: ['User:admin'], prune: {prefixes: [], principals: ['User:*']}}), appliedQuotaEntities: new Set(['client-id=<default>'])})
    const plan = planQuotas([], observed, s)
    expect(ids(plan.actions)).toEqual(['quota.alter:client-id=<default>', 'quota.alter:user=old-service,client-id=x'])
    expect(plan.actions.every((a) => a.kind === 'quota.alter' && a.changes.every((c) => c.after === null))).toBe(true)
    expect(plan.unmanagedQuotas).toEqual([{entity: 'client-id=batch', reason: 'outside-prune-scope'}, {entity: 'user=admin', reason: 'protected'}])
  })

  const entityArb: fc.Arbitrary<QuotaEntityRef> = fc.oneof(
    fc.record({user: fc.constantFrom('a-service', 'b-service', 'other', null)}),
    fc.record({clientId: fc.constantFrom('app', 'batch', null)}),
    fc.record({user: fc.constantFrom('a-service', 'other', null), clientId: fc.constantFrom('app', null)}),
  )
  const valuesArb = fc.dictionary(fc.constantFrom(...QUOTA_KEYS), fc.integer({min: 1, max: 10_000_000}), {minKeys: 1})
  const statesArb = fc.uniqueArray(fc.record({entity: entityArb, values: valuesArb}), {selector: (q) => quotaEntityKey(q.entity), maxLength: 6})

  it(`applying the plan gives the declared quotas and never touches an entity outside the scope (seed ${SEED}, ${RUNS} runs)`, () => {
    fc.assert(fc.property(statesArb, statesArb, fc.subarray(['client-id=app', 'user=other', 'client-id=<default>']), (desired, observed, applied) => {
      const s = scope({environment: env({prune: {prefixes: [], principals: ['User:*-service']}}), appliedQuotaEntities: new Set(applied)})
      const plan = planQuotas(desired, observed, s)
      const after = new Map(observed.map((q) => [quotaEntityKey(q.entity), {...q.values}]))
      for (const a of plan.actions as QuotaAlterAction[]) {
        const values = after.get(quotaEntityKey(a.entity)) ?? {}
        for (const c of a.changes) {
          expect(c.after).not.toBe(0)
          if (c.after === null) delete values[c.key]
          else values[c.key] = c.after
        }
        after.set(quotaEntityKey(a.entity), values)
      }
      for (const d of desired) expect(after.get(quotaEntityKey(d.entity))).toEqual(d.values)
      const declared = new Set(desired.map((d) => quotaEntityKey(d.entity)))
      for (const o of observed) {
        const key = quotaEntityKey(o.entity)
        if (declared.has(key)) continue
        const owned = applied.includes(key) || (typeof o.entity.user === 'string' && o.entity.user.endsWith('-service'))
        expect(after.get(key), key).toEqual(owned ? {} : o.values)
        expect(plan.unmanagedQuotas.some((u) => u.entity === key)).toBe(!owned)
      }
      // Planning again against the result finds nothing to do.
      const result = [...after.entries()].filter(([, v]) => Object.keys(v).length > 0)
        .map(([key, values]) => ({entity: [...desired, ...observed].find((q) => quotaEntityKey(q.entity) === key)!.entity, values}))
      expect(planQuotas(desired, result, s).actions).toEqual([])
    }), {seed: SEED, numRuns: RUNS})
  })
})

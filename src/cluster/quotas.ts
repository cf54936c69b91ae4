import {splitByBudget} from './batching.js'
import {throwIfErrors} from './errors.js'
import type {BrokerSession} from './broker-session.js'
import type {QuotaAlteration, QuotaEntity, QuotaEntry} from './gateway.js'
import {AlterClientQuotas} from './protocol/alter-client-quotas.js'
import {DescribeClientQuotas, QUOTA_MATCH} from './protocol/describe-client-quotas.js'
import type {QuotaEntityData} from './protocol/quota-entity.js'

function entityToWire(entity: QuotaEntity): QuotaEntityData[] {
  return Object.entries(entity).map(([entityType, entityName]) => ({entityType, entityName}))
}

function entityFromWire(data: readonly QuotaEntityData[]): QuotaEntity {
  return Object.fromEntries(data.map((e) => [e.entityType, e.entityName]))
}

function describeEntity(entity: QuotaEntity): string {
  return Object.entries(entity).map(([k, v]) => `${k}=${v ?? '<default>'}`).join(',')
}

/** No filter: every quota. `match` undefined: any entity of that type; null: the default entity. */
export async function describeClientQuotas(session: BrokerSession, filter?: {entityType?: string; match?: string | null}): Promise<QuotaEntry[]> {
  const components = filter?.entityType
    ? [{
      entityType: filter.entityType,
      matchType: filter.match === undefined ? QUOTA_MATCH.ANY : filter.match === null ? QUOTA_MATCH.DEFAULT : QUOTA_MATCH.EXACT,
      match: filter.match ?? null,
    }]
    : []
  const res = await session.send(await session.anyBroker(), DescribeClientQuotas, {components, strict: false})
  throwIfErrors('DescribeClientQuotas', [{code: res.errorCode, message: res.errorMessage}])
  return res.entries
    .map((e) => ({entity: entityFromWire(e.entity), values: Object.fromEntries(e.values.map((v) => [v.key, v.value]))}))
    .sort((a, b) => describeEntity(a.entity).localeCompare(describeEntity(b.entity)))
}

/** One ClientQuotaRecord per key set or removed: requests are cut to the controller's record budget (batching.ts). */
export async function alterClientQuotas(session: BrokerSession, alterations: readonly QuotaAlteration[], validateOnly: boolean): Promise<void> {
  for (const batch of splitByBudget(alterations, (a) => Math.max(1, a.ops.length))) {
    const res = await session.send(await session.controllerBroker(), AlterClientQuotas, {
      entries: batch.map(({item: a}) => ({
        entity: entityToWire(a.entity),
        ops: a.ops.map((o) => ({key: o.key, value: o.value ?? 0, remove: o.value === null})),
      })),
      validateOnly,
    })
    throwIfErrors('AlterClientQuotas', res.entries.map((e) => ({code: e.errorCode, message: e.errorMessage, resource: `quota ${describeEntity(entityFromWire(e.entity))}`})))
  }
}

import type {Plan} from './plan.js'

/** Why apply would refuse this plan as a whole (pure); `null` when it can be applied. */
export interface PlanRefusal {
  readonly code: 'CLUSTER_MISMATCH' | 'PLAN_BLOCKED'
  readonly message: string
  readonly hint: string
}

export function planRefusal(plan: Plan): PlanRefusal | null {
  const mismatch = plan.blocked.find((b) => b.kind === 'cluster.id-mismatch')
  if (mismatch) return {code: 'CLUSTER_MISMATCH', message: mismatch.reason, hint: mismatch.wayOut}
  // An incompatible schema stops the whole apply: topics and ACLs for producers whose schema the
  // registry would refuse are not half a deployment anyone wants.
  const incompatible = plan.blocked.filter((b) => b.kind === 'schema.incompatible')
  if (incompatible.length > 0) {
    return {
      code: 'PLAN_BLOCKED',
      message: `${incompatible.length} schema change(s) are incompatible, nothing can be applied: ${incompatible.map((b) => b.resource).join(', ')}`,
      hint: incompatible[0]!.wayOut,
    }
  }
  return null
}

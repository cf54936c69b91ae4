import {describe, expect, it} from 'vitest'
import {sealPlan} from '../../../src/plan/planner.js'
import type {Plan, ReplicaStatus} from '../../../src/plan/plan.js'
import {parsePlanJson, renderPlanJson} from '../../../src/render/plan-json.js'
import {renderPlanMarkdown} from '../../../src/render/plan-markdown.js'
import {renderPlanText} from '../../../src/render/plan-text.js'

const base = sealPlan({
  formatVersion: 3, environment: 'history', clusterId: 'c1', observedDigest: 'sha256:0',
  options: {allowDelete: false, retentionStep: null, throttle: null, allowActiveDelete: []},
  actions: [], blocked: [], drift: [], unmanaged: {topics: [], acls: [], users: [], quotas: []},
})
const withReplicas = (lag: number | null, partitions: ReplicaStatus['partitions'], note?: string): Plan => ({
  ...base, replicas: [{replica: 'orders-history', source: {environment: 'prod', topic: 'shop.orders.v1'}, topic: 'prod.shop.orders.v1', connector: 'replica-orders-history', lag, partitions, ...(note ? {note} : {})}],
})

describe('replicas in the rendered plan', () => {
  it('text and markdown show each replica, its lag and the partitions behind; JSON carries them outside the digest', () => {
    const behind = withReplicas(7, [{partition: 0, sourceEnd: 10, copyEnd: 10}, {partition: 1, sourceEnd: 12, copyEnd: 5}])
    const text = renderPlanText(behind)
    expect(text).toContain('Replicas (read-only copies kept by MirrorMaker 2; lag read now):')
    expect(text).toContain('    replica orders-history: prod/shop.orders.v1 → prod.shop.orders.v1 (connector replica-orders-history): 7 record(s) behind\n        partition 1: source end 12, copy end 5\n')
    expect(text).not.toContain('partition 0:')
    expect(renderPlanMarkdown(behind)).toContain('#### Replicas (lag read when the plan was made)\n\n- replica orders-history: prod/shop.orders.v1 → prod.shop.orders.v1 (connector replica-orders-history): 7 record(s) behind\n  - partition 1: source end 12, copy end 5')
    expect(renderPlanText(withReplicas(null, [], 'the copy prod.shop.orders.v1 does not exist yet'))).toContain('lag unknown (the copy prod.shop.orders.v1 does not exist yet)')
    // Lag moves: a saved plan with other lag still matches its digest.
    expect(behind.digest).toBe(base.digest)
    expect(parsePlanJson(renderPlanJson(behind)).replicas).toEqual(behind.replicas)
    expect(renderPlanText(base)).not.toContain('Replicas')
  })
})

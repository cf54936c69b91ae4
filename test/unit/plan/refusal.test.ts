import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {planRefusal} from '../../../src/plan/refusal.js'
import {parsePlanJson} from '../../../src/render/plan-json.js'
import {FIXTURE_ROOT} from './fixture-case.js'

const golden = (name: string) => parsePlanJson(readFileSync(join(FIXTURE_ROOT, name, 'plan.json'), 'utf8'))

describe('planRefusal: the plans apply refuses as a whole', () => {
  it('refuses the wrong cluster', () => {
    expect(planRefusal(golden('cluster-id-mismatch'))).toMatchObject({code: 'CLUSTER_MISMATCH'})
  })
  it('refuses an incompatible schema change, naming the subject', () => {
    const r = planRefusal(golden('schema-incompatible-blocked'))
    expect(r?.code).toBe('PLAN_BLOCKED')
    expect(r?.message).toMatch(/1 schema change\(s\) are incompatible/)
  })
  it('lets other blocked items through (the rest of the plan still applies)', () => {
    expect(planRefusal(golden('partition-decrease-blocked'))).toBeNull()
    expect(planRefusal(golden('no-changes'))).toBeNull()
  })
})

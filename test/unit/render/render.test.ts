import {describe, expect, it} from 'vitest'
import {StreamctlError} from '../../../src/errors.js'
import {Secret} from '../../../src/model/secret.js'
import {planChanges} from '../../../src/plan/planner.js'
import {assertNoSecrets} from '../../../src/render/no-secrets.js'
import {parsePlanJson, renderPlanJson} from '../../../src/render/plan-json.js'
import {renderPlanMarkdown} from '../../../src/render/plan-markdown.js'
import {renderPlanText} from '../../../src/render/plan-text.js'
import type {Styler} from '../../../src/render/styler.js'
import {loadCase} from '../plan/fixture-case.js'

const plan = (name: string) => {
  const c = loadCase(name)
  return planChanges(c.desired, c.observed, c.options)
}

describe('plan JSON contract', () => {
  it('round-trips and is versioned', () => {
    const p = plan('acl-add-remove')
    const parsed = parsePlanJson(renderPlanJson(p))
    expect(parsed.formatVersion).toBe(3)
    expect(parsed).toEqual(JSON.parse(JSON.stringify(p)))
  })

  it('refuses a plan edited after it was made', () => {
    const p = plan('delete-with-permission')
    const edited = renderPlanJson(p).replace('shop.legacy.v1', 'shop.orders.v1')
    expect(() => parsePlanJson(edited, 'saved.json')).toThrow(/saved.json: the plan's digest does not match/)
    try {
      parsePlanJson(edited)
    } catch (error) {
      expect((error as StreamctlError).code).toBe('PLAN_STALE')
      expect((error as StreamctlError).hint).toMatch(/plan again/)
    }
  })

  it('refuses another format version and invalid JSON with a hint', () => {
    const p = JSON.parse(renderPlanJson(plan('create')))
    expect(() => parsePlanJson(JSON.stringify({...p, formatVersion: 1}))).toThrow(/unsupported plan formatVersion 1, expected 3/)
    expect(() => parsePlanJson('{"formatVersion":')).toThrow(/not valid JSON/)
    expect(() => parsePlanJson(JSON.stringify({...p, actions: {}}))).toThrow(/not a streamctl plan \(actions is not a list\)/)
    expect(() => parsePlanJson(JSON.stringify({...p, actions: [{kind: 'topic.truncate'}]}))).toThrow(/unknown action kind "topic.truncate"/)
  })

  it('never carries a secret', () => {
    expect(() => assertNoSecrets({a: [{b: new Secret('hunter2', 'inline')}]})).toThrow(/a secret reached the plan at plan.a\[0\].b/)
    const p = plan('create')
    const leaky = {...p, actions: [{...p.actions[0]!, reason: new Secret('hunter2', 'env:X')}]} as unknown as typeof p
    for (const render of [renderPlanJson, renderPlanText, renderPlanMarkdown] as ((x: typeof p) => string)[]) {
      expect(() => render(leaky)).toThrow(StreamctlError)
    }
  })
})

describe('text renderer', () => {
  it('colours only through the injected styler', () => {
    const tag: Styler = {add: (s) => `<a>${s}</a>`, change: (s) => `<c>${s}</c>`, remove: (s) => `<r>${s}</r>`,
      blocked: (s) => `<b>${s}</b>`, dim: (s) => `<d>${s}</d>`, bold: (s) => s}
    const text = renderPlanText(plan('create'), tag)
    expect(text).toContain('<a>+ topic shop.orders.v1</a>')
    expect(text).toContain('<a>+ partitions: 6</a>')
    expect(renderPlanText(plan('create'))).not.toMatch(/<|\[\d+m/)
  })

  it('ends with the Terraform-style summary line', () => {
    expect(renderPlanText(plan('config-change')).trimEnd().split('\n').at(-1)).toBe('Plan: 0 to add, 1 to change, 0 to destroy, 0 blocked.')
    expect(renderPlanText(plan('read-only-key')).trimEnd().split('\n').at(-1))
      .toBe('Plan: 0 to add, 1 to change, 0 to destroy, 1 blocked. The cluster will not match the manifests until the blocked item(s) are resolved.')
    expect(renderPlanMarkdown(plan('no-changes'))).toContain('**No changes.**')
  })

  it('never says a plan with blocked items matches the manifests', () => {
    for (const name of ['rf-above-brokers', 'partition-decrease-blocked', 'blocked-create-withholds-acls', 'read-only-key']) {
      const p = plan(name)
      expect(p.blocked.length).toBeGreaterThan(0)
      for (const text of [renderPlanText(p), renderPlanMarkdown(p)]) {
        expect(text).not.toMatch(/matches the manifests|No changes/)
        expect(text).toContain('will not match the manifests')
      }
    }
  })
})

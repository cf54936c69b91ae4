import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {GroupOnTopic, ObservedActivity, TopicActivity} from '../../../src/model/activity.js'
import type {Action} from '../../../src/plan/actions.js'
import {activityRequests, assessImpact, parseWindow, type ImpactSettings} from '../../../src/plan/impact.js'
import type {Plan} from '../../../src/plan/plan.js'
import {sealPlan} from '../../../src/plan/planner.js'

const SEED = Number(process.env.FC_SEED ?? 22022)
const RUNS = Number(process.env.FC_RUNS ?? 200)
console.log(`impact properties: fast-check seed ${SEED}, ${RUNS} runs (FC_SEED / FC_RUNS to change)`)

const NOW = Date.parse('2026-12-04T12:00:00Z')
const DAY = 86_400_000

function del(topic: string, dependsOn: string[] = []): Action {
  return {kind: 'topic.delete', id: `topic.delete:${topic}`, risk: 'destructive', reason: 'undeclared', dependsOn, topic, allowedBy: 'prune-scope'}
}

function aclDelete(topic: string, principal: string): Action {
  const acl = {resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL', principal, host: '*', operation: 'READ', permission: 'ALLOW'} as const
  return {kind: 'acl.delete', id: `acl.delete:${topic}/${principal}`, risk: 'disruptive', reason: 'topic deleted', dependsOn: [], acl}
}

function retention(topic: string, before: string, after: string): Action {
  return {
    kind: 'topic.config.alter', id: `topic.config.alter:${topic}`, risk: 'destructive', reason: 'retention', dependsOn: [], topic,
    changes: [{key: 'retention.ms', op: 'set', before, after, afterIsDefault: false, risk: 'destructive'}],
  }
}

function increase(topic: string): Action {
  return {kind: 'topic.partitions.increase', id: `topic.partitions.increase:${topic}`, risk: 'disruptive', reason: 'more', dependsOn: [], topic, before: 3, after: 6}
}

function planOf(actions: Action[]): Plan {
  return sealPlan({
    formatVersion: 3, environment: 'test', clusterId: 'c', observedDigest: 'x',
    options: {allowDelete: false, retentionStep: null, throttle: null, allowActiveDelete: []},
    actions, blocked: [], drift: [], unmanaged: {topics: [], acls: [], users: [], quotas: []},
  })
}

function topic(name: string, over: Partial<TopicActivity> = {}): TopicActivity {
  return {
    topic: name,
    partitions: [{partition: 0, earliest: 0, latest: 100, sizeBytes: 10_000, newestTimestamp: NOW - 30 * DAY}],
    groups: [], producers: [], ...over,
  }
}

function group(groupId: string, members: number, committed: number | null, over: Partial<GroupOnTopic> = {}): GroupOnTopic {
  return {groupId, type: 'classic', state: members > 0 ? 'Stable' : 'Empty', assignor: 'range', members, clientIds: members > 0 ? ['app'] : [], committed: committed === null ? [] : [{partition: 0, offset: committed}], ...over}
}

const settings = (over: Partial<ImpactSettings> = {}): ImpactSettings => ({severities: {}, activeWindowMs: 7 * DAY, allowActiveDelete: [], keyedTopics: new Set(), ...over})
const activity = (...topics: TopicActivity[]): ObservedActivity => ({observedAt: NOW, topics})
const ids = (p: Plan): string[] => p.actions.map((a) => a.id)

describe('assessImpact', () => {
  it('asks activity only for topics of risky actions, with the new retention of a cut', () => {
    const safe: Action = {...retention('t3', '100', '200'), risk: 'safe'}
    expect(activityRequests([del('t1'), retention('t2', '604800000', '3600000'), safe, aclDelete('t1', 'User:a')])).toEqual([
      {topic: 't1'}, {topic: 't2', newRetentionMs: 3_600_000},
    ])
  })

  it('withholds a delete while a group reads the topic, and with it the deletes of the topic\'s ACLs', () => {
    const plan = planOf([aclDelete('t1', 'User:reader'), del('t1', ['acl.delete:t1/User:reader']), del('t2')])
    const out = assessImpact(plan, activity(topic('t1', {groups: [group('g1', 2, 40)]}), topic('t2')), settings())
    expect(ids(out)).toEqual(['topic.delete:t2'])
    expect(out.blocked.map((b) => `${b.kind} ${b.action}`)).toEqual(['dependency.blocked acl.delete:t1/User:reader', 'topic.delete.active topic.delete:t1'])
    const b = out.blocked.find((x) => x.kind === 'topic.delete.active')!
    expect(b.reason).toContain('group g1 (Stable, 2 members (app), lag 60)')
    expect(b.wayOut).toContain('--allow-active-delete t1')
    expect(out.summary).toMatchObject({destroy: 1, blocked: 2})
    const i1 = out.impact!.find((i) => i.topic === 't1')!
    expect(i1.principalsLosingAccess).toEqual(['User:reader'])
    expect(i1.deletes).toEqual({records: 100, bytes: 10_000})
    expect(out.digest).not.toBe(plan.digest)
  })

  it('counts held offsets and a write inside the window as activity, not one outside it', () => {
    const plan = planOf([del('t1')])
    expect(ids(assessImpact(plan, activity(topic('t1', {groups: [group('g', 0, 10)]})), settings()))).toEqual([])
    const recent = topic('t1', {producers: [{producerId: '7', lastTimestamp: NOW - DAY, partitions: [0]}]})
    const blocked = assessImpact(plan, activity(recent), settings())
    expect(blocked.blocked[0]!.reason).toMatch(/last written 2026-12-03T12:00:00.000Z, within the 7d window/)
    expect(ids(assessImpact(plan, activity(recent), settings({activeWindowMs: DAY / 2})))).toEqual(['topic.delete:t1'])
  })

  it('lets a named topic or a rule at warning through, with the finding said', () => {
    const plan = planOf([del('t1')])
    const busy = activity(topic('t1', {groups: [group('g', 1, 0)]}))
    const named = assessImpact(plan, busy, settings({allowActiveDelete: ['t1']}))
    expect(ids(named)).toEqual(['topic.delete:t1'])
    expect(named.impact![0]!.groups[0]!.lag).toBe(100)
    const warned = assessImpact(plan, busy, settings({severities: {'active-delete': 'warning'}}))
    expect(ids(warned)).toEqual(['topic.delete:t1'])
    expect(warned.impact![0]!.findings).toEqual([expect.objectContaining({rule: 'active-delete', severity: 'warning'})])
    expect(assessImpact(plan, busy, settings({severities: {'active-delete': 'off'}})).impact![0]!.findings).toEqual([])
  })

  it('blocks a retention cut an active group has not caught up with, and counts what it deletes', () => {
    const plan = planOf([retention('t1', '604800000', '3600000')])
    const cut = topic('t1', {
      partitions: [{partition: 0, earliest: 10, latest: 100, sizeBytes: 9_000, newestTimestamp: NOW, keptFrom: 40}],
      retentionCutoff: NOW - 3_600_000,
      groups: [group('behind', 1, 25), group('idle', 0, 0), group('ahead', 1, 90)],
    })
    const out = assessImpact(plan, activity(cut), settings())
    expect(ids(out)).toEqual([])
    const b = out.blocked[0]!
    expect(b.kind).toBe('topic.retention.unconsumed')
    expect(b.reason).toContain('group behind (Stable, 1 member) has not consumed 15 records')
    expect(b.reason).not.toContain('idle')
    expect(b.reason).not.toContain('ahead')
    expect(out.impact![0]!.deletes).toEqual({records: 30, bytes: 3_000, olderThan: '2026-12-04T11:00:00.000Z'})
  })

  it('what the principal may not read cannot be ruled out: a delete and a cut that deletes records are blocked, saying which grant is missing', () => {
    const groupsHidden = {part: 'groups' as const, reason: 'no DESCRIBE on the cluster'}
    const producersHidden = {part: 'producers' as const, reason: 'no READ on the topic'}
    const sizeHidden = {part: 'size' as const, reason: 'no DESCRIBE on the cluster'}
    const quiet = topic('t1', {unread: [groupsHidden, producersHidden]})
    const blocked = assessImpact(planOf([del('t1')]), activity(quiet), settings())
    expect(ids(blocked)).toEqual([])
    expect(blocked.blocked[0]!.reason).toBe('deleting t1: whether it is in use cannot be read in full: groups: no DESCRIBE on the cluster; producers: no READ on the topic')
    expect(blocked.blocked[0]!.wayOut).toContain('--allow-active-delete t1')
    expect(blocked.impact![0]!.unread).toEqual([groupsHidden, producersHidden])
    // In use and partly unread: both said.
    const busy = assessImpact(planOf([del('t1')]), activity(topic('t1', {groups: [group('g', 1, 0)], unread: [groupsHidden]})), settings())
    expect(busy.blocked[0]!.reason).toMatch(/it is in use: read by group g .*; and groups cannot be read in full: no DESCRIBE on the cluster$/)
    // An unknown size alone blocks nothing; named, the delete goes through.
    expect(ids(assessImpact(planOf([del('t1')]), activity(topic('t1', {unread: [sizeHidden]})), settings()))).toEqual(['topic.delete:t1'])
    expect(ids(assessImpact(planOf([del('t1')]), activity(quiet), settings({allowActiveDelete: ['t1']})))).toEqual(['topic.delete:t1'])

    const cutting = (keptFrom: number) => topic('t1', {partitions: [{partition: 0, earliest: 10, latest: 100, sizeBytes: 9_000, newestTimestamp: NOW, keptFrom}], retentionCutoff: NOW - 3_600_000, unread: [groupsHidden]})
    const cut = assessImpact(planOf([retention('t1', '604800000', '3600000')]), activity(cutting(40)), settings())
    expect(cut.blocked[0]!.reason).toContain("groups the plan's principal cannot see may not have consumed what it deletes (no DESCRIBE on the cluster)")
    expect(ids(assessImpact(planOf([retention('t1', '604800000', '3600000')]), activity(cutting(10)), settings()))).toEqual(['topic.config.alter:t1'])
  })

  it('flags a partition increase on a keyed topic read by Kafka Streams', () => {
    const plan = planOf([increase('t1')])
    const streams = activity(topic('t1', {groups: [group('app', 2, 5, {assignor: 'stream'})]}))
    expect(assessImpact(plan, streams, settings()).impact![0]!.findings).toEqual([])
    const keyed = settings({keyedTopics: new Set(['t1'])})
    const warned = assessImpact(plan, streams, keyed)
    expect(ids(warned)).toEqual(['topic.partitions.increase:t1'])
    expect(warned.impact![0]!.findings[0]).toMatchObject({rule: 'stateful-partition-increase', severity: 'warning'})
    expect(ids(assessImpact(plan, streams, {...keyed, severities: {'stateful-partition-increase': 'error'}}))).toEqual([])
  })

  it('names the declared connectors that read or write the topic', () => {
    const plan = planOf([del('t1')])
    const out = assessImpact(plan, activity(topic('t1')), settings({connectorsByTopic: new Map([['t1', [{name: 'to-s3', direction: 'sink' as const}]]])}))
    expect(out.impact![0]!.connectors).toEqual([{name: 'to-s3', direction: 'sink'}])
  })

  it('reads windows as milliseconds or text', () => {
    expect([parseWindow('7d'), parseWindow('12h'), parseWindow('30m'), parseWindow(1500), parseWindow('7 days'), parseWindow(-1)]).toEqual([7 * DAY, 12 * 3_600_000, 1_800_000, 1500, undefined, undefined])
  })

  it('property: lag and timestamps never change the digest; an action is withheld exactly when an error finding names it', () => {
    const groupArb = fc.record({members: fc.nat(3), committed: fc.option(fc.nat(120), {nil: null})})
    const topicArb = fc.record({
      groups: fc.array(groupArb, {maxLength: 3}),
      newest: fc.option(fc.integer({min: 0, max: 20 * DAY}), {nil: null}),
      latest: fc.integer({min: 0, max: 120}),
      severity: fc.constantFrom('error' as const, 'warning' as const, 'off' as const),
    })
    fc.assert(fc.property(fc.array(topicArb, {minLength: 1, maxLength: 4}), (topics) => {
      const names = topics.map((_, i) => `t${i}`)
      const plan = planOf(names.flatMap((n) => [aclDelete(n, 'User:r'), del(n, [`acl.delete:${n}/User:r`])]))
      const act = (shift: number) => activity(...topics.map((t, i) => topic(names[i]!, {
        partitions: [{partition: 0, earliest: 0, latest: t.latest + shift, sizeBytes: t.latest, newestTimestamp: t.newest === null ? null : NOW - t.newest}],
        groups: t.groups.map((g, j) => group(`g${j}`, g.members, g.committed)),
      })))
      const s = settings({severities: {'active-delete': topics[0]!.severity}})
      const a = assessImpact(plan, act(0), s)
      const b = assessImpact(plan, act(5), s)
      expect(b.digest).toBe(a.digest)
      for (const i of a.impact!) {
        const withheld = !a.actions.some((x) => x.id === i.action)
        expect(withheld).toBe(i.findings.some((f) => f.severity === 'error'))
        // The topic's ACL delete goes with its delete, or stays with it.
        expect(a.actions.some((x) => x.id === `acl.delete:${i.topic}/User:r`)).toBe(!withheld)
      }
      const kept = new Set(a.actions.map((x) => x.id))
      for (const x of a.actions) for (const d of x.dependsOn) expect(kept.has(d)).toBe(true)
      expect(a.summary.blocked).toBe(a.blocked.length)
    }), {seed: SEED, numRuns: RUNS})
  })
})

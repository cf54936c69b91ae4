import type {Admin, Kafka} from 'kafkajs'
import {StreamctlError} from '../errors.js'
import {lagRows, planReset, type LagRow, type PartitionPosition, type ResetPlanRow, type ResetTarget} from './offsets-plan.js'
import {topicOffsets} from './topics.js'

/**
 * Consumer-group offsets: lag per partition, and resets executed from a plan. A reset is refused
 * while the group has members: Kafka would reject the commit anyway (the coordinator only takes
 * offsets from outside a group that is empty), and a running consumer would overwrite it.
 */
export interface GroupInfo {
  readonly group: string
  readonly state: string
  readonly members: number
}

export async function describeGroup(admin: Admin, group: string): Promise<GroupInfo> {
  const res = await admin.describeGroups([group])
  const g = res.groups[0]
  return {group, state: g?.state ?? 'Dead', members: g?.members.length ?? 0}
}

export async function groupPositions(admin: Admin, group: string, topic: string | undefined, target?: ResetTarget): Promise<PartitionPosition[]> {
  let topics: string[]
  if (topic) topics = [topic]
  else {
    const all = await admin.fetchOffsets({groupId: group})
    topics = all.filter((t) => t.partitions.some((p) => Number(p.offset) >= 0)).map((t) => t.topic).sort()
    if (topics.length === 0) {
      throw new StreamctlError('USAGE', `group '${group}' has no committed offsets`, {hint: 'name the topic with --topic to plan offsets for a group that has none yet'})
    }
  }
  const committed = await admin.fetchOffsets({groupId: group, topics})
  const out: PartitionPosition[] = []
  for (const t of topics) {
    const ends = await topicOffsets(admin, t)
    const byTime = target?.kind === 'datetime' ? new Map((await admin.fetchTopicOffsetsByTimestamp(t, target.at)).map((r) => [r.partition, Number(r.offset)])) : undefined
    const c = new Map((committed.find((x) => x.topic === t)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]))
    for (const e of ends) {
      const cv = c.get(e.partition)
      const ft = byTime?.get(e.partition)
      out.push({
        topic: t, partition: e.partition, committed: cv !== undefined && cv >= 0 ? cv : null, low: e.low, high: e.high,
        ...(byTime ? {offsetForTime: ft !== undefined && ft >= 0 ? ft : null} : {}),
      })
    }
  }
  return out
}

export interface OffsetsShowResult {
  readonly group: GroupInfo
  readonly partitions: LagRow[]
  readonly totalLag: number
}

export async function showOffsets(kafka: Kafka, group: string, topic?: string): Promise<OffsetsShowResult> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const info = await describeGroup(admin, group)
    const partitions = lagRows(await groupPositions(admin, group, topic))
    return {group: info, partitions, totalLag: partitions.reduce((n, r) => n + r.lag, 0)}
  } finally {
    await admin.disconnect()
  }
}

export interface OffsetResetPlan {
  readonly group: GroupInfo
  readonly target: ResetTarget
  readonly rows: ResetPlanRow[]
}

export async function planOffsetReset(kafka: Kafka, group: string, topic: string | undefined, target: ResetTarget): Promise<OffsetResetPlan> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    return {group: await describeGroup(admin, group), target, rows: planReset(await groupPositions(admin, group, topic, target), target)}
  } finally {
    await admin.disconnect()
  }
}

export function refuseActiveGroup(plan: OffsetResetPlan, force: boolean): void {
  if (plan.group.members > 0 && !force) {
    throw new StreamctlError('USAGE', `group '${plan.group.group}' has ${plan.group.members} active member(s) (state ${plan.group.state}); refusing to reset its offsets`, {
      hint: 'stop its consumers first (their next commit would overwrite the reset), or pass --force to try anyway',
    })
  }
}

/** Writes the plan's targets. Kafka itself rejects the commit while members remain. */
export async function executeOffsetReset(kafka: Kafka, plan: OffsetResetPlan, force: boolean): Promise<void> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const now = await describeGroup(admin, plan.group.group)
    refuseActiveGroup({...plan, group: now}, force)
    const byTopic = new Map<string, {partition: number; offset: string}[]>()
    for (const r of plan.rows) {
      const list = byTopic.get(r.topic) ?? []
      list.push({partition: r.partition, offset: String(r.target)})
      byTopic.set(r.topic, list)
    }
    for (const [topic, partitions] of byTopic) {
      try {
        await admin.setOffsets({groupId: plan.group.group, topic, partitions})
      } catch (err) {
        throw new StreamctlError('KAFKA_ERROR', `Kafka refused the offsets of group '${plan.group.group}' on '${topic}': ${(err as Error).message}`, {
          hint: 'the group must have no active members; stop its consumers and retry', cause: err,
        })
      }
    }
  } finally {
    await admin.disconnect()
  }
}

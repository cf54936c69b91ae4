/** Parsers for the text Kafka's own tools print: the oracle side of the cross-checks. */
import {expect} from 'vitest'
import {createGateway} from '../../../src/cluster/create-gateway.js'
import type {AdminGateway} from '../../../src/cluster/gateway.js'
import {kafkaTool, type KafkaToolOptions, type TestCluster} from '../harness.js'

export interface ToolPartition {
  partition: number
  leader: number
  replicas: number[]
  isr: number[]
}

/** `TopicCommand --describe`: partition lines `Topic: t  Partition: 0  Leader: 1  Replicas: 1,2  Isr: 1,2`. */
export function parseTopicDescribe(stdout: string, topic: string): {partitions: ToolPartition[]; configs: Record<string, string>} {
  const ids = (s: string | undefined) => (s ? s.split(',').filter(Boolean).map(Number) : [])
  const partitions: ToolPartition[] = []
  let configs: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const fields = Object.fromEntries(line.trim().split('\t').map((f) => {
      const i = f.indexOf(': ')
      return i < 0 ? [f.replace(/:$/, ''), ''] : [f.slice(0, i), f.slice(i + 2)]
    }))
    if (fields.Topic !== topic) continue
    if (fields.Partition !== undefined) {
      partitions.push({partition: Number(fields.Partition), leader: Number(fields.Leader), replicas: ids(fields.Replicas), isr: ids(fields.Isr)})
    } else if (fields.Configs !== undefined) {
      configs = Object.fromEntries(fields.Configs.split(',').filter(Boolean).map((kv: string) => kv.split('=', 2) as [string, string]))
    }
  }
  return {partitions: partitions.sort((a, b) => a.partition - b.partition), configs}
}

/** `ConfigCommand --describe`: lines `  key=value sensitive=false synonyms={...}`. */
export function parseConfigDescribe(stdout: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const m = /^ {2}([^=\s]+)=(.*?) sensitive=/.exec(line)
    if (m) out[m[1]!] = m[2]!
  }
  return out
}

export async function tool(cluster: TestCluster, name: string, args: string[], opts: KafkaToolOptions = {}): Promise<string> {
  const r = await kafkaTool(name, args, {cluster, ...opts})
  expect(r.code, `${name} ${args.join(' ')}\n${r.stderr}\n${r.stdout}`).toBe(0)
  return r.stdout
}

export function gatewayFor(cluster: TestCluster): AdminGateway {
  return createGateway(cluster.connection, {environment: `it-${cluster.name}`})
}

/** Polls until `check` passes (metadata propagates asynchronously from the controller to brokers). */
export async function eventually<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const start = Date.now()
  for (;;) {
    const v = await fn()
    if (check(v) || Date.now() - start > timeoutMs) return v
    await new Promise((r) => setTimeout(r, 300))
  }
}

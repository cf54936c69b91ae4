import {existsSync, readdirSync, rmdirSync} from 'node:fs'
import {resolve} from 'node:path'
import {stopConnect} from './connect-process.js'
import type {DevEvent} from './events.js'
import {nodeMarker} from './info.js'
import {nodeFiles} from './paths.js'
import {stopProcess} from './process.js'
import {registryBootstrap, registryMarker} from './registry-process.js'
import {readState, writeState} from './state.js'
import {removeClusterFiles} from './up.js'
import {parseKafkaRelease} from './versions.js'

export interface DevDownResult {
  readonly dataDir: string
  readonly nodes: {readonly id: number; readonly result: 'stopped' | 'killed' | 'not-running'}[]
  readonly registry?: 'stopped' | 'killed' | 'not-running'
  readonly connect?: 'stopped' | 'killed' | 'not-running'
}

/** SIGTERM every node at once (Kafka's controlled shutdown), SIGKILL those still alive after graceMs. */
export async function devDown(opts: {dataDir: string; graceMs?: number; onEvent?: (e: DevEvent) => void}): Promise<DevDownResult> {
  const dataDir = resolve(opts.dataDir)
  const state = readState(dataDir)
  if (!state) return {dataDir, nodes: []}
  const release = parseKafkaRelease(state.layout.kafkaVersion)
  const grace = opts.graceMs ?? 30_000
  let registry: DevDownResult['registry']
  let connect: DevDownResult['connect']
  // The worker first: it is a client of the brokers, and it leaves its group while they answer.
  if (state.connect?.pid !== undefined) {
    opts.onEvent?.({type: 'stop', message: 'stopping the Kafka Connect worker'})
    connect = await stopConnect(dataDir, state, Math.min(grace, 20_000))
  }
  if (state.registry?.pid !== undefined) {
    registry = await stopProcess(state.registry.pid, registryMarker(registryBootstrap(state.layout), state.registry.port), 10_000)
  }
  opts.onEvent?.({type: 'stop', message: `stopping ${state.layout.nodes.length} node(s)`})
  const nodes = await Promise.all(state.layout.nodes.map(async (n) => {
    const pid = state.pids[String(n.id)]
    const result = pid === undefined ? 'not-running' as const : await stopProcess(pid, nodeMarker(nodeFiles(dataDir, n, release).serverProperties), grace)
    return {id: n.id, result}
  }))
  const c = state.connect
  await writeState(dataDir, {...state, pids: {}, ...(state.registry ? {registry: {port: state.registry.port}} : {}), ...(c ? {connect: {enabled: c.enabled, port: c.port, heap: c.heap}} : {})})
  return {dataDir, nodes, ...(registry ? {registry} : {}), ...(connect ? {connect} : {})}
}

/** Stops the cluster (quickly) and deletes its data, certificates and state. */
export async function devReset(opts: {dataDir: string; onEvent?: (e: DevEvent) => void}): Promise<{dataDir: string; removed: boolean}> {
  const dataDir = resolve(opts.dataDir)
  if (!existsSync(dataDir)) return {dataDir, removed: false}
  await devDown({dataDir, graceMs: 5000, onEvent: opts.onEvent}).catch(() => undefined)
  await removeClusterFiles(dataDir)
  if (readdirSync(dataDir).length === 0) rmdirSync(dataDir)
  return {dataDir, removed: true}
}

/** Stops only the Kafka Connect worker (the brokers keep running); later `dev up`s leave it off. */
export async function devConnectDown(opts: {dataDir: string; graceMs?: number}): Promise<'stopped' | 'killed' | 'not-running'> {
  const dataDir = resolve(opts.dataDir)
  const state = readState(dataDir)
  if (!state?.connect) return 'not-running'
  const result = await stopConnect(dataDir, state, opts.graceMs ?? 20_000)
  await writeState(dataDir, {...state, connect: {enabled: false, port: state.connect.port, heap: state.connect.heap}})
  return result
}

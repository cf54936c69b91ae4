import {resolve} from 'node:path'
import {StreamctlError} from '../errors.js'
import {describeCluster, tailFile, type DevClusterInfo} from './info.js'
import {readState} from './state.js'

export async function devStatus(opts: {dataDir: string}): Promise<DevClusterInfo> {
  const dataDir = resolve(opts.dataDir)
  const state = readState(dataDir)
  if (!state) {
    throw new StreamctlError('DEV_CLUSTER', `no dev cluster in ${dataDir}`, {hint: 'start one with `streamctl dev up` (or pass the --data-dir it was started with)'})
  }
  return describeCluster(dataDir, state)
}

export interface DevLogs {
  readonly nodes: {readonly id: number; readonly logFile: string; readonly text: string}[]
  /** With `connect: true`: the Kafka Connect worker's log instead of the nodes'. */
  readonly connect?: {readonly logFile: string; readonly text: string}
}

export async function devLogs(opts: {dataDir: string; node?: number; tail?: number; connect?: boolean}): Promise<DevLogs> {
  const info = await devStatus(opts)
  if (opts.connect) {
    if (!info.connect) throw new StreamctlError('USAGE', `the dev cluster in ${info.dataDir} has no Kafka Connect worker`, {hint: 'start one with `streamctl dev up --connect`'})
    return {nodes: [], connect: {logFile: info.connect.logFile, text: tailFile(info.connect.logFile, opts.tail ?? 50)}}
  }
  const nodes = info.nodes.filter((n) => opts.node === undefined || n.id === opts.node)
  if (nodes.length === 0) {
    throw new StreamctlError('USAGE', `no node ${opts.node} in the dev cluster (it has ${info.nodes.map((n) => n.id).join(', ')})`, {hint: 'pick one of those with --node'})
  }
  return {nodes: nodes.map((n) => ({id: n.id, logFile: n.logFile, text: tailFile(n.logFile, opts.tail ?? 50)}))}
}

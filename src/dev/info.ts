import {readFileSync, statSync} from 'node:fs'
import type {KafkaConnectionSpec} from '../model/environment.js'
import type {Secret} from '../model/secret.js'
import {readCredentials} from './credentials.js'
import {connectMarker, DEV_CONNECT_USER} from './connect-worker.js'
import {connectFiles, nodeFiles, toolClientConfigFile} from './paths.js'
import {isOurProcess} from './process.js'
import {registryBootstrap, registryMarker} from './registry-process.js'
import type {DevState} from './state.js'
import {clientBootstrap, isController, tlsBootstrap, type NodePorts} from './topology.js'
import {parseKafkaRelease} from './versions.js'

export interface DevNodeStatus {
  readonly id: number
  readonly up: boolean
  readonly pid?: number
  /** `process.roles`: nodes 1-3 are combined, later ones broker-only (topology.ts). */
  readonly roles: 'broker,controller' | 'broker'
  readonly rack?: string
  readonly ports: NodePorts
  readonly logFile: string
}

/** What every dev command reports; `connection` is what clients (and the gateway) use. */
export interface DevClusterInfo {
  readonly dataDir: string
  readonly kafkaVersion: string
  readonly clusterId: string
  readonly brokers: number
  readonly secure: boolean
  /** PLAINTEXT (plain) or SASL_SSL + SCRAM-SHA-512 (secure) client addresses. */
  readonly bootstrap: string[]
  readonly connection: KafkaConnectionSpec
  /** Secure only: the same cluster over SASL_PLAINTEXT + SCRAM-SHA-512. */
  readonly saslPlaintext?: {readonly bootstrap: string[]; readonly connection: KafkaConnectionSpec}
  readonly nodes: readonly DevNodeStatus[]
  readonly allUp: boolean
  readonly registryUrl?: string
  readonly registryUp?: boolean
  /** Secure clusters: the registry demands HTTP Basic auth with the admin's credentials. */
  readonly registryAuth?: {readonly username: string; readonly password: Secret}
  /** The Kafka Connect worker, once `dev up --connect` made one. */
  readonly connect?: DevConnectStatus
  readonly credentialsFile?: string
  /** Kafka CLI tool client configs (SASL_PLAINTEXT / SASL_SSL) for `--command-config`. */
  readonly toolConfig?: {readonly saslPlaintext: string; readonly saslSsl: string}
  readonly caFile?: string
}

export interface DevConnectStatus {
  /** False after `dev up --no-connect`: later `dev up`s leave the worker stopped. */
  readonly enabled: boolean
  readonly up: boolean
  readonly pid?: number
  /** The REST API, bound to 127.0.0.1 only. */
  readonly url: string
  readonly port: number
  /** Secure clusters: the REST API demands HTTP Basic auth with the admin's credentials. */
  readonly auth?: {readonly username: string; readonly password: Secret}
  /** Secure clusters: the worker's own Kafka principal (what its connectors read and write as). */
  readonly principal?: string
  readonly logFile: string
}

export function nodeMarker(serverProperties: string): string {
  return `kafka.Kafka ${serverProperties}`
}

export function describeCluster(dataDir: string, state: DevState): DevClusterInfo {
  const release = parseKafkaRelease(state.layout.kafkaVersion)
  const nodes = state.layout.nodes.map((n): DevNodeStatus => {
    const files = nodeFiles(dataDir, n, release)
    const pid = state.pids[String(n.id)]
    const up = isOurProcess(pid, nodeMarker(files.serverProperties))
    return {id: n.id, up, ...(up ? {pid} : {}), roles: isController(state.layout, n) ? 'broker,controller' : 'broker', ...(n.rack !== undefined ? {rack: n.rack} : {}), ports: n.ports, logFile: files.logFile}
  })
  let connection: KafkaConnectionSpec = {bootstrap: clientBootstrap(state.layout)}
  let bootstrap = clientBootstrap(state.layout)
  let saslPlaintext: DevClusterInfo['saslPlaintext']
  let registryAuth: DevClusterInfo['registryAuth']
  if (state.layout.secure && state.credentialsFile && state.caFile) {
    const creds = readCredentials(state.credentialsFile)
    registryAuth = {username: creds.username, password: creds.password}
    const sasl = {mechanism: 'scram-sha-512' as const, username: creds.username, password: creds.password}
    saslPlaintext = {bootstrap, connection: {bootstrap, sasl}}
    bootstrap = tlsBootstrap(state.layout)
    connection = {bootstrap, sasl, tls: {caFile: state.caFile}}
  }
  let connect: DevConnectStatus | undefined
  if (state.connect) {
    const files = connectFiles(dataDir)
    const up = isOurProcess(state.connect.pid, connectMarker(files.workerProperties))
    connect = {enabled: state.connect.enabled, up, ...(up ? {pid: state.connect.pid} : {}), url: `http://127.0.0.1:${state.connect.port}`, port: state.connect.port,
      ...(registryAuth ? {auth: registryAuth, principal: `User:${DEV_CONNECT_USER}`} : {}), logFile: files.logFile}
  }
  const reg = state.registry
  const registryUp = reg?.pid !== undefined && isOurProcess(reg.pid, registryMarker(registryBootstrap(state.layout), reg.port))
  return {
    dataDir,
    kafkaVersion: state.layout.kafkaVersion,
    clusterId: state.clusterId,
    brokers: state.layout.brokers,
    secure: state.layout.secure,
    bootstrap,
    connection,
    ...(saslPlaintext ? {saslPlaintext} : {}),
    nodes,
    allUp: nodes.every((n) => n.up),
    ...(reg?.pid !== undefined ? {registryUrl: `http://127.0.0.1:${reg.port}`, registryUp, ...(registryAuth ? {registryAuth} : {})} : {}),
    ...(connect ? {connect} : {}),
    ...(state.credentialsFile ? {credentialsFile: state.credentialsFile, caFile: state.caFile,
      toolConfig: {saslPlaintext: toolClientConfigFile(dataDir, false), saslSsl: toolClientConfigFile(dataDir, true)}} : {}),
  }
}

/** Last `lines` lines of a log, read from at most the last 256 KiB. */
export function tailFile(file: string, lines: number): string {
  try {
    const size = statSync(file).size
    const buf = readFileSync(file)
    const text = buf.subarray(Math.max(0, size - 256 * 1024)).toString('utf8')
    return text.split('\n').slice(-lines - 1).join('\n').trimEnd()
  } catch {
    return ''
  }
}

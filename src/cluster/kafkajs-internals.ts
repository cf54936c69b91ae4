import {createRequire} from 'node:module'

/**
 * The one seam into kafkajs internals: the parts of kafkajs 2.2.4 that its public API does not
 * export but that we build on: the Cluster (broker pool, metadata, SASL/TLS connections), its
 * Broker objects (whose `connectionPool.send` carries our own protocol requests), its socket
 * factory, and its table of Kafka error codes. No other module requires a `kafkajs/src` path; the
 * version is pinned exactly in package.json and checked when this module loads. Typed here
 * narrowly, for what we use.
 */
const require = createRequire(import.meta.url)

export interface KjsApiVersions {
  readonly [apiKey: number]: {minVersion: number; maxVersion: number} | undefined
}

export interface KjsProtocolRequest {
  request: {apiKey: number; apiVersion: number; apiName: string; encode(): Promise<unknown>}
  response: {decode(payload: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown>}
  requestTimeout?: number
}

export interface KjsBroker {
  nodeId: number
  versions: KjsApiVersions | null
  isConnected(): boolean
  connectionPool: {send(req: KjsProtocolRequest): Promise<unknown>}
  createTopics(args: {topics: unknown[]; validateOnly?: boolean; timeout?: number}): Promise<unknown>
  createPartitions(args: {topicPartitions: unknown[]; validateOnly?: boolean; timeout?: number}): Promise<unknown>
  deleteTopics(args: {topics: string[]; timeout?: number}): Promise<unknown>
  describeAcls(args: Record<string, unknown>): Promise<KjsDescribeAclsResponse>
  createAcls(args: {acl: unknown[]}): Promise<unknown>
  deleteAcls(args: {filters: unknown[]}): Promise<KjsDeleteAclsResponse>
}

export interface KjsAclResource {
  resourceType: number
  resourceName: string
  resourcePatternType: number
  acls: {principal: string; host: string; operation: number; permissionType: number}[]
}

export interface KjsDescribeAclsResponse {
  errorCode: number
  resources: KjsAclResource[]
}

export interface KjsDeleteAclsResponse {
  filterResponses: {
    errorCode: number
    matchingAcls: {errorCode: number; resourceType: number; resourceName: string; resourcePatternType: number; principal: string; host: string; operation: number; permissionType: number}[]
  }[]
}

export interface KjsCluster {
  brokerPool: {brokers: Record<string, KjsBroker>; seedBroker?: KjsBroker}
  connect(): Promise<void>
  disconnect(): Promise<void>
  isConnected(): boolean
  refreshMetadata(): Promise<void>
  getNodeIds(): number[]
  findBroker(args: {nodeId: number}): Promise<KjsBroker>
  addTargetTopic(topic: string): Promise<void>
  /** From the cached metadata: call addTargetTopic (or refreshMetadata) first. */
  findTopicPartitionMetadata(topic: string): {partitionId: number; leader: number | null}[]
}

export interface KjsClusterOptions {
  brokers: string[]
  ssl?: unknown
  sasl?: unknown
  clientId: string
  connectionTimeout: number
  authenticationTimeout: number
  requestTimeout: number
  retry: {retries: number; initialRetryTime: number; maxRetryTime: number}
}

export interface KjsInstrumentation {
  addListener(event: string, listener: (event: {payload?: {apiName?: string}}) => void): () => void
}

/** The only kafkajs release these internals are known to match: any other stops the process at start-up. */
export const KAFKAJS_VERSION = '2.2.4'
const installed = (require('kafkajs/package.json') as {version: string}).version
if (installed !== KAFKAJS_VERSION) {
  throw new Error(`streamctl needs kafkajs ${KAFKAJS_VERSION} exactly (it builds on kafkajs's internal connection pool, SASL and sockets), but kafkajs ${installed} is installed; reinstall with \`npm ci\``)
}
const ClusterClass = require('kafkajs/src/cluster/index.js') as new (options: Record<string, unknown>) => KjsCluster
const EmitterClass = require('kafkajs/src/instrumentation/emitter.js') as new () => KjsInstrumentation
const {createLogger} = require('kafkajs/src/loggers/index.js') as {createLogger(o: {level: number; logCreator: unknown}): unknown}
const networkEvents = require('kafkajs/src/network/instrumentationEvents.js') as {NETWORK_REQUEST: string}
const socketFactory = require('kafkajs/src/network/socketFactory.js') as () => unknown
export const kafkaErrorCodes = (require('kafkajs/src/protocol/error.js') as {
  errorCodes: {type: string; code: number; retriable: boolean; message: string}[]
}).errorCodes

/** The sockets one cluster opened, so that giving up can really stop it (see BrokerSession.close). */
export interface SocketTracker {
  /** Destroys every open socket and every socket kafkajs opens from now on. */
  shutDown(): void
}

export type SocketFactoryFn = (args: Record<string, unknown>) => {destroy(error?: Error): void; once(ev: string, fn: () => void): unknown}

/**
 * A kafkajs socket factory that remembers the sockets it opened, so that giving up can really stop
 * a client: kafkajs can still be connecting or restarting (a consumer's crash handler schedules
 * its restart after its own disconnect) when we disconnect it.
 */
export function trackedSocketFactory(): {socketFactory: SocketFactoryFn; sockets: SocketTracker} {
  const base = socketFactory() as SocketFactoryFn
  const open = new Set<ReturnType<SocketFactoryFn>>()
  let shut = false
  const trackingFactory: SocketFactoryFn = (args) => {
    const socket = base(args)
    if (shut) {
      // An error (not a silent close) makes kafkajs fail the attempt now instead of at its timeout.
      setImmediate(() => socket.destroy(new Error('gateway closed')))
      return socket
    }
    open.add(socket)
    socket.once('close', () => open.delete(socket))
    return socket
  }
  return {
    socketFactory: trackingFactory,
    sockets: {
      shutDown() {
        shut = true
        for (const s of open) s.destroy(new Error('gateway closed'))
        open.clear()
      },
    },
  }
}

/** A kafkajs Cluster that logs nothing (nothing below src/commands may write to stdout) and counts requests. */
export function createKjsCluster(options: KjsClusterOptions, onRequest: (apiName: string) => void): {cluster: KjsCluster; sockets: SocketTracker} {
  const instrumentationEmitter = new EmitterClass()
  instrumentationEmitter.addListener(networkEvents.NETWORK_REQUEST, (event: {payload?: {apiName?: string}}) => onRequest(event.payload?.apiName ?? 'unknown'))
  const logger = createLogger({level: 0, logCreator: () => () => {}})
  const {socketFactory: trackingFactory, sockets} = trackedSocketFactory()
  const cluster = new ClusterClass({
    ...options,
    logger,
    socketFactory: trackingFactory,
    instrumentationEmitter,
    allowAutoTopicCreation: false,
    enforceRequestTimeout: true,
    metadataMaxAge: 300_000,
  })
  return {cluster, sockets}
}

/**
 * Wraps an already-framed request body the way kafkajs's `createRequest` expects: its
 * `writeEncoder` only reads `buf` (to check it is a Buffer) and `buffer`, so the body is handed
 * over as is instead of being copied into an Encoder first (jobs send megabytes per second).
 */
export function kjsPayload(body: Buffer): unknown {
  return {buf: body, buffer: body, size: () => body.length}
}

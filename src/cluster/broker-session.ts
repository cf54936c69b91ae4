import {StreamctlError} from '../errors.js'
import type {ApiDefinition} from './protocol/api.js'
import {sendApi} from './send-api.js'
import {deadlineError, translateError, type ConnectionContext} from './connection-errors.js'
import {KafkaApiError} from './errors.js'
import {createKjsCluster, type KjsBroker, type KjsCluster, type KjsClusterOptions, type SocketTracker} from './kafkajs-internals.js'

const CLOSE_GRACE_MS = 1000

/**
 * The connection side of the gateway: one kafkajs Cluster (its broker pool, SASL/TLS, metadata),
 * a request counter, an overall deadline on every call and error translation. `send` carries our
 * protocol extensions over kafkajs's own broker connections, at the highest version both sides know.
 */
/** How long a broker list read from metadata serves allBrokers. */
const BROKER_LIST_MAX_AGE_MS = 5_000

export class BrokerSession {
  private brokersRefreshedAt: number | undefined
  private readonly cluster: KjsCluster
  private readonly sockets: SocketTracker
  private connected: Promise<void> | undefined
  private requests = 0
  private readonly requestsPerApi = new Map<string, number>()

  constructor(options: KjsClusterOptions, readonly ctx: ConnectionContext, readonly timeoutMs: number) {
    const {cluster, sockets} = createKjsCluster(options, (apiName) => {
      this.requests++
      this.requestsPerApi.set(apiName, (this.requestsPerApi.get(apiName) ?? 0) + 1)
    })
    this.cluster = cluster
    this.sockets = sockets
  }

  get requestCount(): number {
    return this.requests
  }

  /** The requests sent so far, per Kafka API name (ApiVersions and SASL included). */
  get requestCountPerApi(): Readonly<Record<string, number>> {
    return Object.fromEntries([...this.requestsPerApi].sort(([a], [b]) => a.localeCompare(b)))
  }

  /**
   * Runs `fn` with a connected cluster, bounded by the deadline (times `rounds` for calls that send
   * several batched requests), translating every failure.
   */
  async call<T>(api: string, fn: (cluster: KjsCluster, progress: () => void) => Promise<T>, rounds = 1, resources?: readonly string[]): Promise<T> {
    try {
      await this.withDeadline(api, this.connect(), this.timeoutMs, () => this.abandonConnect())
      // `progress` restarts the deadline: a large batched call fails when it stops making
      // progress (a dead or stuck cluster), not because 12,000 topics take longer than 12.
      const deadline = this.timeoutMs * Math.max(1, rounds)
      let restart: () => void = () => undefined
      return await this.withDeadline(api, fn(this.cluster, () => restart()), deadline, undefined, (r) => { restart = r })
    } catch (error) {
      const e = translateError(error, this.ctx, api)
      // kafkajs's own responses report the first error code without the resource: name what we sent.
      if (e instanceof KafkaApiError && !e.resource && resources?.length) {
        throw new KafkaApiError({api, code: e.kafkaCode, message: e.brokerMessage, resource: describeResources(resources), others: [...e.others]})
      }
      throw e
    }
  }

  /**
   * Any connected broker: in KRaft every broker forwards admin requests to the active controller,
   * so topic/ACL/config changes need no metadata round trip to find it (that would list all topics).
   */
  async anyBroker(): Promise<KjsBroker> {
    const pool = this.cluster.brokerPool
    const known = Object.values(pool.brokers).find((b) => b.isConnected())
    if (known) return known
    if (!pool.seedBroker?.isConnected()) await this.cluster.connect()
    if (!pool.seedBroker) throw new StreamctlError('CLUSTER_UNREACHABLE', `no broker of environment "${this.ctx.environment}" is connected`)
    return pool.seedBroker
  }

  /** Kept for the day ZooKeeper-era clusters matter: today every broker accepts controller-bound requests. */
  async controllerBroker(): Promise<KjsBroker> {
    return this.anyBroker()
  }

  async broker(nodeId: number): Promise<KjsBroker> {
    if (this.cluster.getNodeIds().length === 0) await this.cluster.refreshMetadata()
    return this.cluster.findBroker({nodeId})
  }

  /**
   * Every broker, from metadata at most BROKER_LIST_MAX_AGE_MS old: one observation's calls that
   * each ask every broker (ListGroups, DescribeLogDirs) share one refresh instead of one each.
   */
  async allBrokers(): Promise<KjsBroker[]> {
    const now = Date.now()
    if (this.brokersRefreshedAt === undefined || now - this.brokersRefreshedAt > BROKER_LIST_MAX_AGE_MS || this.cluster.getNodeIds().length === 0) {
      await this.cluster.refreshMetadata()
      this.brokersRefreshedAt = now
    }
    return Promise.all(this.cluster.getNodeIds().map((nodeId) => this.cluster.findBroker({nodeId})))
  }

  send<Req, Res>(broker: KjsBroker, api: ApiDefinition<Req, Res>, request: Req): Promise<Res> {
    return sendApi(broker, api, request)
  }

  /**
   * kafkajs's disconnect waits for in-flight requests, which against a silent broker means its
   * whole retry budget (tens of seconds): give it a moment, then cut the sockets.
   */
  async close(): Promise<void> {
    this.connected = undefined
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_GRACE_MS) })
    await Promise.race([this.cluster.disconnect().catch(() => undefined), grace])
    clearTimeout(timer)
    this.sockets.shutDown()
  }

  private connect(): Promise<void> {
    this.connected ??= this.cluster.connect().catch(async (error: unknown) => {
      this.connected = undefined
      await this.cluster.disconnect().catch(() => undefined)
      throw error
    })
    return this.connected
  }

  /** kafkajs would keep retrying in the background: stop it once we have given up. */
  private abandonConnect(): void {
    this.connected = undefined
    void this.cluster.disconnect().catch(() => undefined)
  }

  private async withDeadline<T>(api: string, work: Promise<T>, ms: number, onTimeout?: () => void, onRestart?: (restart: () => void) => void): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      const arm = () => {
        clearTimeout(timer)
        timer = setTimeout(() => {
          onTimeout?.()
          reject(deadlineError(this.ctx, ms, api))
        }, ms)
      }
      arm()
      onRestart?.(arm)
    })
    try {
      return await Promise.race([work, deadline])
    } finally {
      clearTimeout(timer)
    }
  }
}

function describeResources(resources: readonly string[]): string {
  const shown = resources.slice(0, 5).join(', ')
  return resources.length > 5 ? `one of ${shown} and ${resources.length - 5} more` : resources.length > 1 ? `one of ${shown}` : shown
}

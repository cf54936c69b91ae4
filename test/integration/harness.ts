/**
 * Helpers for integration tests against the real Kafka clusters started by global-setup.ts.
 *
 *   const c = singleCluster()                  // or secureCluster() (SASL_SSL + SCRAM admin)
 *   const prefix = uniquePrefix('gateway alter') // random per test: topics never collide
 *   const r = await kafkaTool('topics', ['--describe', '--topic', t], {cluster: c})
 *   const kafka = newKafkaJs(c)
 */
import {randomBytes} from 'node:crypto'
import {Kafka} from 'kafkajs'
import {inject} from 'vitest'
import {devKafkaJsConfig, parseKafkaRelease, readCredentials, runKafkaTool, type KafkaToolName} from '../../src/dev/index.js'
import type {KafkaConnectionSpec} from '../../src/model/environment.js'
import type {ProvidedCluster, ProvidedClusters} from './global-setup.js'

export interface TestCluster {
  readonly name: 'single' | 'secure'
  readonly bootstrap: string[]
  /** Admin connection: PLAINTEXT (single) or SASL_SSL + SCRAM-SHA-512 as admin (secure). */
  readonly connection: KafkaConnectionSpec
  readonly clusterId: string
  readonly dataDir: string
  readonly kafkaVersion: string
  readonly brokers: number
  readonly registryUrl?: string
  /** Secure only. */
  readonly adminCredentials?: {readonly username: string; readonly password: string}
  /** Secure only: the same cluster over SASL_PLAINTEXT as admin. */
  readonly saslPlaintext?: {readonly bootstrap: string[]; readonly connection: KafkaConnectionSpec}
  readonly caFile?: string
  readonly toolConfig?: {readonly saslPlaintext: string; readonly saslSsl: string}
}

/** The venv's Python with confluent-kafka (provisioned by the suite's setup; never the system python3). */
export function pythonBin(): string {
  return inject('streamctlClients').python
}

/** kcat's path, or undefined when it is missing: pair with `kcatMissing()` in a skip. */
export function kcatBin(): string | undefined {
  return inject('streamctlClients').kcat
}

/** Why kcat checks skip (how to install it), or undefined when kcat is there. */
export function kcatMissing(): string | undefined {
  const c = inject('streamctlClients')
  return c.kcat ? undefined : (c.kcatMissing ?? 'kcat is missing')
}

export function providedClusters(): ProvidedClusters {
  return inject('streamctlClusters')
}

function toTestCluster(p: ProvidedCluster): TestCluster {
  if (!p.secure || !p.credentialsFile || !p.caFile) {
    return {name: p.name, bootstrap: p.bootstrap, connection: {bootstrap: p.bootstrap}, clusterId: p.clusterId, dataDir: p.dataDir, kafkaVersion: p.kafkaVersion, brokers: p.brokers, ...(p.registryUrl ? {registryUrl: p.registryUrl} : {})}
  }
  const creds = readCredentials(p.credentialsFile)
  const sasl = {mechanism: 'scram-sha-512' as const, username: creds.username, password: creds.password}
  const saslBootstrap = p.saslPlaintextBootstrap ?? []
  return {
    name: p.name,
    bootstrap: p.bootstrap,
    connection: {bootstrap: p.bootstrap, sasl, tls: {caFile: p.caFile}},
    clusterId: p.clusterId,
    dataDir: p.dataDir,
    kafkaVersion: p.kafkaVersion,
    brokers: p.brokers,
    adminCredentials: {username: creds.username, password: creds.password.reveal()},
    saslPlaintext: {bootstrap: saslBootstrap, connection: {bootstrap: saslBootstrap, sasl}},
    caFile: p.caFile,
    ...(p.toolConfig ? {toolConfig: p.toolConfig} : {}),
  }
}

export function singleCluster(): TestCluster {
  return toTestCluster(providedClusters().single)
}

/** True when the suite runs the secure cluster; use with `describe.skipIf(!hasSecureCluster())`. */
export function hasSecureCluster(): boolean {
  return providedClusters().secure !== null
}

export function secureCluster(): TestCluster {
  const s = providedClusters().secure
  if (!s) throw new Error(`the secure cluster is not running in this suite (${providedClusters().secureSkipped ?? 'unknown reason'})`)
  return toTestCluster(s)
}

/** A random, name-safe prefix per test, e.g. `it.gateway-alter.3fa9c1.`. */
export function uniquePrefix(testName: string): string {
  const slug = testName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'test'
  return `it.${slug}.${randomBytes(3).toString('hex')}.`
}

export interface KafkaToolOptions {
  readonly cluster?: TestCluster
  /** Flag that takes the client config file: `--command-config` for most tools. */
  readonly configFlag?: string
  /** Use the SASL_PLAINTEXT listener of the secure cluster instead of SASL_SSL. */
  readonly saslPlaintext?: boolean
  readonly timeoutMs?: number
  readonly input?: string
}

/**
 * Runs one of Kafka's own tools (a KafkaToolName like 'configs', or a main class) from the same
 * jars as the cluster, with --bootstrap-server and, on the secure cluster, the admin client config
 * already given. The oracle for what streamctl writes and reads.
 */
export async function kafkaTool(tool: KafkaToolName | string, args: readonly string[], opts: KafkaToolOptions = {}) {
  const cluster = opts.cluster ?? singleCluster()
  const release = parseKafkaRelease(cluster.kafkaVersion)
  const mainClass = tool.includes('.') ? tool : release.tools[tool as KafkaToolName]
  if (!mainClass) throw new Error(`unknown Kafka tool ${tool}`)
  const usePlain = opts.saslPlaintext && cluster.saslPlaintext
  const bootstrap = usePlain ? cluster.saslPlaintext!.bootstrap : cluster.bootstrap
  const pre = ['--bootstrap-server', bootstrap.join(',')]
  if (cluster.toolConfig) pre.push(opts.configFlag ?? '--command-config', usePlain ? cluster.toolConfig.saslPlaintext : cluster.toolConfig.saslSsl)
  return runKafkaTool(cluster.kafkaVersion, mainClass, [...pre, ...args], {timeoutMs: opts.timeoutMs, input: opts.input})
}

export function newKafkaJs(cluster: TestCluster = singleCluster(), clientId = 'streamctl-it'): Kafka {
  return new Kafka(devKafkaJsConfig(cluster.connection, clientId))
}

/**
 * Creates topics and waits until every partition has a leader on the metadata of every broker
 * (kafkajs's own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION from a broker that has
 * not caught up with the metadata log yet, which happens on three nodes under load).
 */
export async function createTopicsAndWait(cluster: TestCluster, topics: {topic: string; numPartitions?: number; replicationFactor?: number; configEntries?: {name: string; value: string}[]}[], timeoutMs = 30_000): Promise<void> {
  const admin = newKafkaJs(cluster).admin()
  await admin.connect()
  try {
    await admin.createTopics({topics, waitForLeaders: false})
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const ok = await admin.fetchTopicMetadata({topics: topics.map((t) => t.topic)})
        .then((md) => md.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)), () => false)
      if (ok) return
      if (Date.now() > deadline) throw new Error(`topics ${topics.map((t) => t.topic).join(', ')} have no leaders after ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 250))
    }
  } finally {
    await admin.disconnect()
  }
}

/**
 * Integration-suite global setup: one single-node cluster and one three-node --secure cluster of
 * real Apache Kafka, each in its own temp data dir on ephemeral ports, started in parallel and
 * handed to tests through vitest's provide/inject (see harness.ts). Every JVM started here is
 * stopped in teardown, on a setup failure, on SIGINT/SIGTERM/exit, and by a detached watchdog
 * when the runner dies without running any handler (SIGKILL).
 *
 * Env: STREAMCTL_KAFKA_VERSION picks the release (the CI 3.9 smoke run); STREAMCTL_IT_SECURE=0
 * skips the secure cluster (tests that need it are skipped); STREAMCTL_IT_REGISTRY=0 skips the
 * dev schema registry on the single cluster (started only when `registry serve` exists).
 * Meanwhile the tests' independent clients are provisioned (test/provision/clients.ts).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {TestProject} from 'vitest/node'
import {DEFAULT_KAFKA_VERSION, devDown, devUp, type DevClusterInfo} from '../../src/dev/index.js'
import {killClusterSync} from '../../src/dev/kill-sync.js'
import {startWatchdog} from '../../src/dev/watchdog.js'
import {provisionClients, type ProvisionedClients} from '../provision/clients.js'

export interface ProvidedCluster {
  readonly name: 'single' | 'secure'
  readonly dataDir: string
  readonly kafkaVersion: string
  readonly clusterId: string
  readonly brokers: number
  /** PLAINTEXT (single) or SASL_SSL (secure) addresses. */
  readonly bootstrap: string[]
  readonly secure: boolean
  readonly saslPlaintextBootstrap?: string[]
  readonly credentialsFile?: string
  readonly caFile?: string
  readonly toolConfig?: {readonly saslPlaintext: string; readonly saslSsl: string}
  readonly registryUrl?: string
}

export interface ProvidedClusters {
  readonly kafkaVersion: string
  readonly single: ProvidedCluster
  readonly secure: ProvidedCluster | null
  /** Why the secure cluster is absent, when it is. */
  readonly secureSkipped?: string
  readonly registryError?: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    streamctlClusters: ProvidedClusters
    /** The independent clients (venv python with confluent-kafka, kcat) the tests judge with. */
    streamctlClients: ProvisionedClients
  }
}

function toProvided(name: 'single' | 'secure', info: DevClusterInfo): ProvidedCluster {
  return {
    name,
    dataDir: info.dataDir,
    kafkaVersion: info.kafkaVersion,
    clusterId: info.clusterId,
    brokers: info.brokers,
    bootstrap: info.bootstrap,
    secure: info.secure,
    ...(info.saslPlaintext ? {saslPlaintextBootstrap: info.saslPlaintext.bootstrap} : {}),
    ...(info.credentialsFile ? {credentialsFile: info.credentialsFile, caFile: info.caFile, toolConfig: info.toolConfig} : {}),
    ...(info.registryUrl ? {registryUrl: info.registryUrl} : {}),
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kafkaVersion = process.env.STREAMCTL_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION
  const root = mkdtempSync(join(tmpdir(), 'streamctl-it-'))
  const singleDir = join(root, 'single')
  const secureDir = join(root, 'secure')
  const wantSecure = process.env.STREAMCTL_IT_SECURE !== '0'

  let cleaned = false
  const killAll = () => {
    if (cleaned) return
    cleaned = true
    killClusterSync(singleDir)
    killClusterSync(secureDir)
  }
  const onSignal = (sig: NodeJS.Signals) => {
    killAll()
    process.exit(sig === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  process.once('exit', killAll)
  // Covers what no handler can: the runner itself being SIGKILLed (e.g. by an outer timeout).
  const watchdog = startWatchdog([singleDir, secureDir])

  try {
    const [single, secure, clients] = await Promise.all([
      devUp({dataDir: singleDir, brokers: 1, secure: false, kafkaVersion, registry: false}),
      wantSecure ? devUp({dataDir: secureDir, brokers: 3, secure: true, kafkaVersion, registry: false}) : Promise.resolve(null),
      provisionClients({log: (line) => process.stderr.write(`test clients: ${line}\n`)}),
    ])
    if (clients.kcatMissing) process.stderr.write(`test clients: ${clients.kcatMissing}; the kcat checks skip\n`)
    project.provide('streamctlClients', clients)
    let singleInfo: DevClusterInfo = single
    let registryError: string | undefined
    if (process.env.STREAMCTL_IT_REGISTRY !== '0') {
      // A broken registry must not take the whole suite down: its tests see registryError instead.
      try {
        singleInfo = await devUp({dataDir: singleDir, registry: true})
      } catch (err) {
        registryError = err instanceof Error ? err.message : String(err)
      }
    }
    project.provide('streamctlClusters', {
      kafkaVersion,
      single: toProvided('single', singleInfo),
      secure: secure ? toProvided('secure', secure) : null,
      ...(wantSecure ? {} : {secureSkipped: 'STREAMCTL_IT_SECURE=0'}),
      ...(registryError ? {registryError} : {}),
    })
  } catch (err) {
    killAll()
    if (watchdog) try { process.kill(watchdog, 'SIGTERM') } catch { /* already gone */ }
    rmSync(root, {recursive: true, force: true})
    throw err
  }

  return async () => {
    await Promise.all([devDown({dataDir: singleDir, graceMs: 10_000}), devDown({dataDir: secureDir, graceMs: 10_000})]).catch(() => undefined)
    killAll()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('exit', killAll)
    if (watchdog) try { process.kill(watchdog, 'SIGTERM') } catch { /* already gone */ }
    // STREAMCTL_IT_KEEP_DATA=1 keeps the brokers' data and logs for a post-mortem.
    if (process.env.STREAMCTL_IT_KEEP_DATA === '1') console.info(`kept the test clusters' data and logs in ${root}`)
    else rmSync(root, {recursive: true, force: true})
  }
}

import {chmod, mkdir, writeFile} from 'node:fs/promises'
import {createGateway} from '../cluster/create-gateway.js'
import {StreamctlError} from '../errors.js'
import {nodesRefusingLogin} from './admin-login.js'
import {DEV_CONNECT_VERSION} from './connect-versions.js'
import {connectJavaArgs, connectMarker, connectWorkerAcls, DEV_CONNECT_USER, renderRestJaas, renderRestUsers, renderWorkerProperties, type WorkerSecurity} from './connect-worker.js'
import {ensureConnectCredentials, readCredentials, type DevCredentials} from './credentials.js'
import type {DevEvent} from './events.js'
import {describeCluster, tailFile} from './info.js'
import {fetchConnect, isConnectFetched} from './jars.js'
import {connectFiles, connectRestAuthFiles, secureDir} from './paths.js'
import {assertPortFree} from './ports.js'
import {isAlive, isOurProcess, killNow, spawnJava, stopProcess} from './process.js'
import {basicAuthHeader} from './registry-process.js'
import type {DevState} from './state.js'
import {renderLogConfig} from './topology.js'
import {parseKafkaRelease} from './versions.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function connectUrl(port: number): string {
  return `http://127.0.0.1:${port}`
}

/** True when the state's worker process is alive (its pid and its worker.properties on the command line). */
export function isConnectRunning(dataDir: string, state: DevState): boolean {
  return isOurProcess(state.connect?.pid, connectMarker(connectFiles(dataDir).workerProperties))
}

/**
 * Starts the worker of a running dev cluster and waits until it is ready. On a secure cluster the
 * worker logs in to Kafka as its own SCRAM user (made here, with the ACLs it needs) and its REST
 * API demands HTTP Basic auth with the admin's credentials. Returns the state with the worker's pid.
 */
export async function startConnect(dataDir: string, state: DevState, o: {port: number; heap: string; timeoutMs?: number; emit: (e: DevEvent) => void; onSpawned?: (pid: number) => Promise<void>}): Promise<DevState> {
  if (!isConnectFetched()) o.emit({type: 'fetch', message: `fetching Kafka Connect ${DEV_CONNECT_VERSION} jars with Maven (once)`})
  const {libDir} = await fetchConnect()
  await assertPortFree(o.port, 'Kafka Connect REST')
  const files = connectFiles(dataDir)
  await mkdir(files.logDir, {recursive: true})
  const secure = state.layout.secure ? await prepareSecureWorker(dataDir, state, o.emit) : undefined
  // A secure worker's file holds its Kafka password: readable by its owner only.
  await writeFile(files.workerProperties, renderWorkerProperties(state.layout, {restPort: o.port, ...(secure ? {security: secure.security} : {})}), {mode: secure ? 0o600 : 0o644})
  if (secure) await chmod(files.workerProperties, 0o600)
  await writeFile(files.logConfig, renderLogConfig(parseKafkaRelease(DEV_CONNECT_VERSION), files.logFile))
  o.emit({type: 'start', message: `starting the Kafka Connect ${DEV_CONNECT_VERSION} worker on port ${o.port}`})
  const pid = spawnJava(connectJavaArgs({libDir, logDir: files.logDir, logConfig: files.logConfig, workerProperties: files.workerProperties, heap: o.heap, ...(secure ? {restJaas: secure.restJaas} : {})}), {logFile: files.consoleFile, cwd: files.root})
  const marker = connectMarker(files.workerProperties)
  try {
    await o.onSpawned?.(pid)
    await waitForConnect(connectUrl(o.port), {clusterId: state.clusterId, timeoutMs: o.timeoutMs ?? 90_000, alive: () => isAlive(pid), ...(secure ? {auth: secure.restAuth} : {})})
  } catch (err) {
    killNow(pid, marker)
    const tail = [tailFile(files.consoleFile, 10), tailFile(files.logFile, 25)].filter(Boolean).join('\n')
    throw new StreamctlError('DEV_CLUSTER', `the Kafka Connect worker ${(err as Error).message}; last lines of its log:\n${tail}`, {hint: `full logs: ${files.logDir}; rerun without --connect (or with --no-connect) to start Kafka only`})
  }
  return {...state, connect: {enabled: true, port: o.port, heap: o.heap, pid}}
}

/** SIGTERM (the worker leaves its group and flushes offsets), then SIGKILL after graceMs. */
export async function stopConnect(dataDir: string, state: DevState, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'> {
  if (state.connect?.pid === undefined) return 'not-running'
  return stopProcess(state.connect.pid, connectMarker(connectFiles(dataDir).workerProperties), graceMs)
}

/**
 * Ready when `GET /health` says healthy (KIP-1017: the herder finished starting, i.e. the worker
 * read its config topic and joined its group) and `GET /` names this Kafka cluster.
 */
export async function waitForConnect(url: string, o: {clusterId: string; timeoutMs: number; alive: () => boolean; auth?: DevCredentials}): Promise<void> {
  const deadline = Date.now() + o.timeoutMs
  const headers: Record<string, string> = o.auth ? {authorization: basicAuthHeader(o.auth)} : {}
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (!o.alive()) throw new Error(`exited during start (${last})`)
    try {
      const health = await fetch(`${url}/health`, {headers, signal: AbortSignal.timeout(3000)})
      if (health.ok) {
        const root = await fetch(`${url}/`, {headers, signal: AbortSignal.timeout(3000)})
        const body = (await root.json()) as {kafka_cluster_id?: string}
        if (body.kafka_cluster_id === o.clusterId) return
        last = `GET / names Kafka cluster ${String(body.kafka_cluster_id)}, not ${o.clusterId}`
      } else {
        last = `GET /health answered ${health.status}`
      }
    } catch (err) {
      last = err instanceof Error ? err.message : String(err)
    }
    await sleep(300)
  }
  throw new Error(`was not ready within ${Math.round(o.timeoutMs / 1000)} s (${last})`)
}

/**
 * The secure worker's logins: its own SCRAM user in Kafka (stored again whenever a node refuses
 * it, e.g. on the first start or after a prune deleted it) with the ACLs it needs, and the REST
 * users file holding the admin's credentials.
 */
async function prepareSecureWorker(dataDir: string, state: DevState, emit: (e: DevEvent) => void): Promise<{security: WorkerSecurity; restJaas: string; restAuth: DevCredentials}> {
  if (!state.credentialsFile) throw new StreamctlError('DEV_CLUSTER', `the secure dev cluster in ${dataDir} has no admin credentials file`, {hint: `wipe it with \`streamctl dev reset --data-dir ${dataDir}\``})
  const dir = secureDir(dataDir)
  const worker = await ensureConnectCredentials(dir, DEV_CONNECT_USER)
  const admin = readCredentials(state.credentialsFile)
  const nodeIds = state.layout.nodes.map((n) => n.id)
  const info = describeCluster(dataDir, state)
  const gateway = createGateway(info.connection, {environment: 'dev'})
  try {
    if ((await nodesRefusingLogin(state, worker, nodeIds)).length > 0) {
      emit({type: 'info', message: `storing the SCRAM credential of the Connect worker's user ${worker.username}`})
      await gateway.alterUserScramCredentials([{kind: 'upsert', user: worker.username, mechanism: 'SCRAM-SHA-512', iterations: 8192, password: worker.password.reveal()}])
      // Each node learns the credential from the metadata log at its own pace.
      const deadline = Date.now() + 30_000
      let refusing = await nodesRefusingLogin(state, worker, nodeIds)
      while (refusing.length > 0 && Date.now() < deadline) {
        await sleep(500)
        refusing = await nodesRefusingLogin(state, worker, nodeIds)
      }
      if (refusing.length > 0) throw new StreamctlError('DEV_CLUSTER', `node(s) ${refusing.join(', ')} refuse the Connect worker's SCRAM login 30 s after it was stored`, {hint: `see \`streamctl dev logs --data-dir ${dataDir}\``})
    }
    await gateway.createAcls(connectWorkerAcls(`User:${worker.username}`))
  } finally {
    await gateway.close()
  }
  const auth = connectRestAuthFiles(dataDir)
  await writeFile(auth.users, renderRestUsers([{username: admin.username, password: admin.password.reveal()}]), {mode: 0o600})
  await chmod(auth.users, 0o600)
  await writeFile(auth.jaas, renderRestJaas(auth.users), {mode: 0o600})
  return {security: {username: worker.username, password: worker.password.reveal()}, restJaas: auth.jaas, restAuth: admin}
}

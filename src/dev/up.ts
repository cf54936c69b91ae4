import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {access, chmod, constants, mkdir, rm, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {StreamctlError} from '../errors.js'
import {Secret} from '../model/secret.js'
import {ensureAdminLogin} from './admin-login.js'
import {isConnectRunning, startConnect} from './connect-process.js'
import {DEFAULT_CONNECT_HEAP} from './connect-worker.js'
import {DEV_ADMIN_USER, ensureInternalCredentials, generatePassword, readCredentials, writeAdminPasswordFile, writeCredentials, writeToolClientConfig} from './credentials.js'
import type {DevEvent} from './events.js'
import {describeCluster, nodeMarker, tailFile, type DevClusterInfo} from './info.js'
import {fetchKafka, isKafkaFetched} from './jars.js'
import {runKafkaTool} from './kafka-tool.js'
import {nodeFiles, registryLogFile, secureDir, toolClientConfigFile} from './paths.js'
import {allocatePorts, assertPortFree} from './ports.js'
import {checkJava} from './prerequisites.js'
import {isAlive, isOurProcess, killNow, spawnJava} from './process.js'
import {probeReady} from './readiness.js'
import {registryBootstrap, registryCommand, registryMarker, spawnRegistry, waitForRegistry, type RegistrySecurity} from './registry-process.js'
import {readState, writeState, type DevState} from './state.js'
import {ensureDevTls} from './tls.js'
import {nodeJavaArgs, planLayout, portsPerNode, renderLogConfig, renderServerProperties, type ClusterLayout} from './topology.js'
import {DEFAULT_KAFKA_VERSION, parseKafkaRelease, type KafkaRelease} from './versions.js'

export interface DevUpOptions {
  readonly dataDir: string
  /** Undefined: keep what the existing cluster has (or the defaults for a new one). */
  readonly brokers?: number
  /** `broker.rack` round-robin over these (only when the cluster is created). */
  readonly racks?: readonly string[]
  readonly secure?: boolean
  readonly kafkaVersion?: string
  /** Client port of node 1 (only when the cluster is created). */
  readonly port?: number
  readonly heap?: string
  readonly timeoutMs?: number
  readonly registry?: boolean
  readonly registryPort?: number
  /** Start the Kafka Connect worker; undefined: what the cluster remembers (off for a new one). */
  readonly connect?: boolean
  /** REST port of the worker (only when the worker is first made). */
  readonly connectPort?: number
  /** Max heap of the worker (java -Xmx); remembered. */
  readonly connectHeap?: string
  readonly onEvent?: (e: DevEvent) => void
}

export interface DevUpResult extends DevClusterInfo {
  readonly created: boolean
  /** Node ids started by this call; empty when everything was already running. */
  readonly startedNodes: number[]
  /** True when this call started the Connect worker. */
  readonly startedConnect: boolean
  readonly readyMs: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Kafka's Uuid string form: 16 random bytes, URL-safe base64 without padding. Like Kafka's own
 * Uuid.randomUuid, never one starting with '-': the storage tool would read `-t -abc…` as a flag.
 */
export function newClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

export async function devUp(opts: DevUpOptions): Promise<DevUpResult> {
  const t0 = Date.now()
  const emit = opts.onEvent ?? (() => undefined)
  const dataDir = resolve(opts.dataDir)
  // Cheap checks first, so a missing prerequisite or a bad version leaves nothing behind.
  if (opts.kafkaVersion !== undefined) parseKafkaRelease(opts.kafkaVersion)
  await checkJava()
  const existedBefore = existsSync(dataDir)
  await ensureWritable(dataDir)
  try {
    return await upInDir(dataDir, opts, emit, t0)
  } catch (err) {
    if (!existedBefore && readdirSync(dataDir).length === 0) await rm(dataDir, {recursive: true, force: true})
    throw err
  }
}

async function upInDir(dataDir: string, opts: DevUpOptions, emit: (e: DevEvent) => void, t0: number): Promise<DevUpResult> {
  const existing = readState(dataDir)
  if (existing) checkCompatible(dataDir, existing, opts)
  else if (readdirSync(dataDir).some((f) => /^node-\d+$/.test(f))) {
    throw new StreamctlError('DEV_CLUSTER', `${dataDir} holds Kafka node directories but no state.json`, {hint: `run \`streamctl dev reset --data-dir ${opts.dataDir}\` to wipe it, or use another --data-dir`})
  }
  const version = existing?.layout.kafkaVersion ?? opts.kafkaVersion ?? DEFAULT_KAFKA_VERSION
  const release = parseKafkaRelease(version)
  if (!isKafkaFetched(version)) emit({type: 'fetch', message: `fetching Apache Kafka ${version} jars with Maven (once)`})
  const {libDir} = await fetchKafka(version)

  const started: {id: number; pid: number}[] = []
  let state = existing
  let created = false
  try {
    if (!state) {
      state = await createCluster(dataDir, release, opts, emit)
      created = true
    }
    if (existing) checkClusterIds(dataDir, state, release)
    let registryPid = state.registry?.pid
    const info0 = describeCluster(dataDir, state)
    for (const node of state.layout.nodes) {
      if (info0.nodes.find((n) => n.id === node.id)?.up) continue
      for (const [name, port] of Object.entries(node.ports)) await assertPortFree(port as number, `node ${node.id} ${name} listener`)
      const files = nodeFiles(dataDir, node, release)
      await writeNodeConfigs(dataDir, state.layout, node.id, release)
      emit({type: 'start', message: `starting node ${node.id} (Kafka ${version})`})
      const pid = spawnJava(nodeJavaArgs(release, {libDir, logDir: files.logDir, logConfig: files.logConfig, serverProperties: files.serverProperties, heap: state.heap}), {logFile: files.consoleFile, cwd: files.root})
      started.push({id: node.id, pid})
      state = {...state, pids: {...state.pids, [String(node.id)]: pid}}
      await writeState(dataDir, state)
    }
    await waitReady(dataDir, state, release, opts.timeoutMs ?? (state.layout.brokers >= 3 ? 180_000 : 120_000), emit, started)
    emit({type: 'ready', message: `ready after ${Date.now() - t0} ms`})

    const wantRegistry = opts.registry ?? !state.noRegistry
    if (opts.registry !== undefined && opts.registry === Boolean(state.noRegistry)) {
      state = {...state, noRegistry: !opts.registry}
      await writeState(dataDir, state)
    }
    const regPort = state.registry?.port ?? opts.registryPort
    const regBootstrap = registryBootstrap(state.layout)
    if (wantRegistry && registryCommand() && !(registryPid && isOurProcess(registryPid, registryMarker(regBootstrap, regPort ?? 0)))) {
      const port = regPort ?? (await allocatePorts(1))[0]!
      await assertPortFree(port, 'schema registry')
      emit({type: 'start', message: `starting the schema registry on port ${port}`})
      registryPid = spawnRegistry(regBootstrap, port, registryLogFile(dataDir), await registrySecurity(dataDir, state))
      state = {...state, registry: {port, pid: registryPid}}
      await writeState(dataDir, state)
      const pid = registryPid
      const ok = pid !== undefined && await waitForRegistry(port, 60_000, () => isOurProcess(pid, registryMarker(regBootstrap, port)), state.credentialsFile ? readCredentials(state.credentialsFile) : undefined)
      if (!ok) {
        if (pid !== undefined) killNow(pid, registryMarker(regBootstrap, port))
        throw new StreamctlError('DEV_CLUSTER', `the schema registry did not answer on port ${port}:\n${tailFile(registryLogFile(dataDir), 20)}`, {hint: 'rerun with --no-registry to start Kafka only'})
      }
    }
    const connectBefore = state.connect?.pid
    state = await ensureConnect(dataDir, state, opts, emit)
    return {...describeCluster(dataDir, state), created, startedNodes: started.map((s) => s.id), startedConnect: state.connect?.pid !== connectBefore, readyMs: Date.now() - t0}
  } catch (err) {
    // Nothing half-started: stop what this call started, and forget a cluster it only just created.
    for (const s of started) {
      const node = state?.layout.nodes.find((n) => n.id === s.id)
      if (node) killNow(s.pid, nodeMarker(nodeFiles(dataDir, node, release).serverProperties))
    }
    if (started.length) await sleep(500)
    if (created) await removeClusterFiles(dataDir)
    throw err
  }
}

/** Starts the worker when it is wanted and not running; remembers --connect / --no-connect. */
async function ensureConnect(dataDir: string, state: DevState, opts: DevUpOptions, emit: (e: DevEvent) => void): Promise<DevState> {
  if (state.connect && opts.connect !== undefined && state.connect.enabled !== opts.connect) {
    state = {...state, connect: {...state.connect, enabled: opts.connect}}
    await writeState(dataDir, state)
  }
  const enabled = opts.connect ?? state.connect?.enabled ?? false
  if (!enabled || isConnectRunning(dataDir, state)) return state
  const port = state.connect?.port ?? opts.connectPort ?? (await allocatePorts(1))[0]!
  const heap = opts.connectHeap ?? state.connect?.heap ?? DEFAULT_CONNECT_HEAP
  const base = state
  const next = await startConnect(dataDir, state, {port, heap, emit,
    // Recorded before the wait, so `dev down` and the watchdog find a worker whose start was interrupted.
    onSpawned: async (pid) => writeState(dataDir, {...base, connect: {enabled: true, port, heap, pid}})})
  await writeState(dataDir, next)
  return next
}

async function ensureWritable(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, {recursive: true})
    await access(dataDir, constants.W_OK)
  } catch (err) {
    throw new StreamctlError('DEV_CLUSTER', `data dir ${dataDir} is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'pick a writable --data-dir (default .streamctl/dev in the current directory)', cause: err,
    })
  }
}

function checkCompatible(dataDir: string, state: DevState, opts: DevUpOptions): void {
  const l = state.layout
  const diffs: string[] = []
  if (opts.kafkaVersion !== undefined && opts.kafkaVersion !== l.kafkaVersion) diffs.push(`Kafka ${l.kafkaVersion} (asked: ${opts.kafkaVersion})`)
  if (opts.brokers !== undefined && opts.brokers !== l.brokers) diffs.push(`${l.brokers} broker(s) (asked: ${opts.brokers})`)
  const racks = (l.racks ?? []).join(',')
  if (opts.racks !== undefined && opts.racks.join(',') !== racks) diffs.push(`racks ${racks || '(none)'} (asked: --racks ${opts.racks.join(',')})`)
  if (opts.secure !== undefined && opts.secure !== l.secure) diffs.push(`${l.secure ? 'secure' : 'not secure'} (asked: ${opts.secure ? '--secure' : 'not secure'})`)
  const firstPort = l.secure ? l.nodes[0]?.ports.sasl : l.nodes[0]?.ports.broker
  if (opts.port !== undefined && opts.port !== firstPort) diffs.push(`client port ${firstPort} (asked: --port ${opts.port})`)
  if (opts.connectPort !== undefined && state.connect && opts.connectPort !== state.connect.port) diffs.push(`Connect REST port ${state.connect.port} (asked: --connect-port ${opts.connectPort})`)
  if (diffs.length) {
    throw new StreamctlError('DEV_CLUSTER', `the dev cluster in ${dataDir} was created with ${diffs.join(', ')}`, {
      hint: `start it as it is (omit those flags), wipe it with \`streamctl dev reset --data-dir ${dataDir}\`, or use another --data-dir`,
    })
  }
}

/** Every formatted log dir must carry the state's cluster id (meta.properties). */
function checkClusterIds(dataDir: string, state: DevState, release: KafkaRelease): void {
  for (const node of state.layout.nodes) {
    const meta = join(nodeFiles(dataDir, node, release).kafkaDataDir, 'meta.properties')
    if (!existsSync(meta)) {
      throw new StreamctlError('DEV_CLUSTER', `node ${node.id} of the dev cluster in ${dataDir} has no formatted storage (${meta} missing)`, {hint: `wipe it with \`streamctl dev reset --data-dir ${dataDir}\``})
    }
    const id = /^cluster\.id=(.*)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim()
    if (id !== state.clusterId) {
      throw new StreamctlError('DEV_CLUSTER', `node ${node.id} storage belongs to cluster ${id ?? '?'}, but ${dataDir}/state.json says ${state.clusterId}`, {hint: `the data dir mixes two clusters; wipe it with \`streamctl dev reset --data-dir ${dataDir}\``})
    }
  }
}

async function writeNodeConfigs(dataDir: string, layout: ClusterLayout, id: number, release: KafkaRelease): Promise<void> {
  const node = layout.nodes.find((n) => n.id === id)!
  const files = nodeFiles(dataDir, node, release)
  await mkdir(files.logDir, {recursive: true})
  const keystore = layout.secure ? join(secureDir(dataDir), 'broker-keystore.pem') : undefined
  const internal = layout.secure ? await ensureInternalCredentials(secureDir(dataDir)) : undefined
  const text = renderServerProperties(layout, node, release, {logDir: files.logDir, dataDir: files.kafkaDataDir, keystore,
    ...(internal ? {internal: {username: internal.username, password: internal.password.reveal()}} : {})})
  // A secure node's file holds the internal user's password: readable by its owner only.
  await writeFile(files.serverProperties, text, {mode: layout.secure ? 0o600 : 0o644})
  if (layout.secure) await chmod(files.serverProperties, 0o600)
  await writeFile(files.logConfig, renderLogConfig(release, files.logFile))
}

/** Secure clusters: the registry logs in to Kafka as the admin and asks HTTP clients for the same. */
async function registrySecurity(dataDir: string, state: DevState): Promise<RegistrySecurity | undefined> {
  if (!state.layout.secure || !state.credentialsFile) return undefined
  const creds = readCredentials(state.credentialsFile)
  return {username: creds.username, passwordFile: await writeAdminPasswordFile(secureDir(dataDir), creds)}
}

async function createCluster(dataDir: string, release: KafkaRelease, opts: DevUpOptions, emit: (e: DevEvent) => void): Promise<DevState> {
  const brokers = opts.brokers ?? 1
  const secure = opts.secure ?? false
  if (opts.port !== undefined) await assertPortFree(opts.port, '--port')
  const count = brokers * portsPerNode(secure)
  const ports = (await allocatePorts(count + 1)).filter((p) => p !== opts.port).slice(0, count)
  const layout = planLayout({kafkaVersion: release.version, brokers, secure, ports, firstPort: opts.port, ...(opts.racks ? {racks: opts.racks} : {})})
  const clusterId = newClusterId()
  emit({type: 'format', message: `formatting ${brokers} node(s) for cluster ${clusterId}`})
  let credentialsFile: string | undefined
  let caFile: string | undefined
  let password: string | undefined
  if (secure) {
    const dir = secureDir(dataDir)
    await mkdir(dir, {recursive: true, mode: 0o700})
    await ensureInternalCredentials(dir)
    const tls = await ensureDevTls(dir)
    caFile = tls.caFile
    password = generatePassword()
    credentialsFile = await writeCredentials(dir, DEV_ADMIN_USER, password)
    const creds = {username: DEV_ADMIN_USER, password: new Secret(password, `file:${credentialsFile}`)}
    await writeToolClientConfig(toolClientConfigFile(dataDir, false), creds)
    await writeToolClientConfig(toolClientConfigFile(dataDir, true), creds, {caFile})
  }
  for (const node of layout.nodes) {
    await writeNodeConfigs(dataDir, layout, node.id, release)
    const files = nodeFiles(dataDir, node, release)
    const args = ['format', '-c', files.serverProperties, '-t', clusterId]
    if (brokers === 1) args.push('--standalone')
    // The admin's SCRAM credential goes into the bootstrap metadata, so it exists before any login.
    if (password) args.push('-S', `SCRAM-SHA-512=[name=${DEV_ADMIN_USER},password=${password}]`)
    const r = await runKafkaTool(release.version, release.tools.storage, args, {timeoutMs: 120_000})
    if (r.code !== 0) {
      const out = (r.stdout + r.stderr).replaceAll(password ?? '\u0000', '<redacted>').trim()
      throw new StreamctlError('DEV_CLUSTER', `formatting node ${node.id} failed: ${out.split('\n').slice(-5).join(' | ')}`)
    }
  }
  const state: DevState = {formatVersion: 1, clusterId, layout, heap: opts.heap ?? '512m', pids: {}, ...(credentialsFile ? {credentialsFile, caFile} : {}), ...(opts.registryPort ? {registry: {port: opts.registryPort}} : {})}
  await writeState(dataDir, state)
  return state
}

async function waitReady(dataDir: string, state: DevState, release: KafkaRelease, timeoutMs: number, emit: (e: DevEvent) => void, started: readonly {id: number; pid: number}[]): Promise<void> {
  const t0 = Date.now()
  const deadline = t0 + timeoutMs
  let last = 'no answer yet'
  let lastReported = t0
  const credentialRestored = {done: false}
  for (;;) {
    const dead = started.find((s) => !isAlive(s.pid))
    if (dead) throw notReady(dataDir, state, release, dead.id, `node ${dead.id} exited during start`)
    const info = describeCluster(dataDir, state)
    try {
      await ensureAdminLogin(state, state.layout.nodes.map((n) => n.id), emit, credentialRestored)
      await probeReady(info.connection, state.layout.brokers)
      return
    } catch (err) {
      last = err instanceof Error ? err.message : String(err)
      if (Date.now() - lastReported > 10_000) {
        lastReported = Date.now()
        emit({type: 'info', message: `waiting for the cluster (${Math.round((Date.now() - t0) / 1000)} s): ${last}`})
      }
    }
    if (Date.now() > deadline) throw notReady(dataDir, state, release, state.layout.nodes[0]!.id, `not ready within ${Math.round(timeoutMs / 1000)} s (${last})`)
    await sleep(1000)
  }
}

function notReady(dataDir: string, state: DevState, release: KafkaRelease, nodeId: number, why: string): StreamctlError {
  const node = state.layout.nodes.find((n) => n.id === nodeId)!
  const files = nodeFiles(dataDir, node, release)
  const tail = [tailFile(files.consoleFile, 10), tailFile(files.logFile, 25)].filter(Boolean).join('\n')
  return new StreamctlError('DEV_CLUSTER', `dev cluster ${why}; last lines of node ${nodeId}'s log:\n${tail}`, {hint: `full logs: ${files.logDir}`})
}

/** Only the files a dev cluster creates, so a --data-dir pointing at a user's folder loses nothing else. */
export async function removeClusterFiles(dataDir: string): Promise<void> {
  for (const f of readdirSync(dataDir)) {
    if (/^node-\d+$/.test(f) || ['secure', 'connect', 'state.json', 'state.json.tmp', 'registry.log'].includes(f)) {
      await rm(join(dataDir, f), {recursive: true, force: true})
    }
  }
}

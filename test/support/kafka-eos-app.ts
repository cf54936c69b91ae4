/**
 * Kafka's own exactly-once clients as a baseline (test/fixtures/kafka-eos/EosRepartition.java): a
 * Kafka Streams exactly_once_v2 app, or a plain consumer + transactional producer loop, that
 * re-keys INPUT into OUTPUT. For tests (kafka-eos-baseline.test.ts) and benches (bench/jobs.mjs
 * imports it after tsx's register(), as it imports src/dev), e.g.
 *
 *   const app = await startKafkaEosApp({bootstrap, input, output, appId, expect: 1_000_000}, (e) => ...)
 *   const {code, report} = await app.exited   // report: {type: 'report', records, ms, outcome, processed, ...}
 *
 * or, to spawn and measure the JVM itself (peak RSS etc.): `java ...kafkaEosAppArgs(await
 * prepareKafkaEosApp(), options)`; its last stdout line is {"type":"report","records":N,"ms":M,...}.
 *
 * The jars (kafka-streams and its dependencies, plus slf4j-simple) are resolved once with Maven
 * from the fixture's pom into ~/.cache/streamctl/kafka-streams/<version>/lib (STREAMCTL_CACHE moves
 * it), like src/dev/jars.ts does for Kafka itself; a marker written last makes an interrupted
 * download retry. The Java source is compiled with javac into classes/<hash of the sources>, so an
 * edited source is recompiled and nothing needs the network after the first run.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {mkdir, readdir, rename, rm, writeFile} from 'node:fs/promises'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execCapture} from '../../src/dev/exec.js'
import {streamctlCacheDir} from '../../src/dev/jars.js'

export const KAFKA_STREAMS_VERSION = '4.4.0'
const FIXTURE = fileURLToPath(new URL('../fixtures/kafka-eos/', import.meta.url))
const MAIN_CLASS = 'dev.streamctl.eos.EosRepartition'
const COMPLETE = '.complete'

export interface KafkaEosAppOptions {
  /** 'streams' (Kafka Streams, exactly_once_v2; the default) or 'txn' (consumer + transactional producer). */
  readonly mode?: 'streams' | 'txn'
  readonly bootstrap: string | readonly string[]
  readonly input: string
  readonly output: string
  /** The consumer group (application.id); the txn mode's transactional.id is `<appId>-txn`. */
  readonly appId: string
  /** Done when the group's committed input offsets cover this many records (default: all INPUT held at start). */
  readonly expect?: number
  /** Gives up (exit 3, outcome "idle") after this long without progress; default 30. */
  readonly idleSeconds?: number
  /** JSON field of the value that becomes the output key (default "key"; the input key when missing). */
  readonly keyField?: string
  /** commit.interval.ms (streams) / poll timeout (txn); default 100. */
  readonly commitIntervalMs?: number
  /** How often progress lines are printed and done is checked; default 500. */
  readonly progressMs?: number
  /** Paces processing to this many records/s (0: unlimited), so that a kill lands mid-job. */
  readonly maxRate?: number
  readonly stateDir?: string
  /** Fault injection: SIGKILL this pid (a broker) the instant a commit returns past killAfter records. */
  readonly killPid?: number
  /** Default: a quarter of expect. */
  readonly killAfter?: number
  /** Kill that many microseconds after the commit is called (in flight) instead of after it returned. */
  readonly killDelayUs?: number
  /** Extra client/Streams properties, passed as --prop k=v. */
  readonly props?: Readonly<Record<string, string>>
  /** -Xmx; default 256m. */
  readonly heap?: string
  readonly kafkaVersion?: string
  /** Default WARN; NetworkClient's "connection refused" warnings are always at ERROR. */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug'
  /** More JVM flags, e.g. `-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams=info`. */
  readonly jvmArgs?: readonly string[]
}

export interface KafkaEosReport {
  readonly type: 'report'
  readonly records: number
  readonly ms: number
  readonly outcome: 'done' | 'idle' | 'error'
  readonly mode: 'streams' | 'txn'
  readonly processed: number
  readonly expect: number
  readonly error?: string
}

export interface KafkaEosEvent {
  readonly type: string
  readonly [k: string]: unknown
}

export interface KafkaEosExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** The last report line, when the app got to print one (not after kill -9). */
  readonly report?: KafkaEosReport
  readonly stdout: string
  /** The last 64 KB of stderr (the clients' WARN/ERROR log). */
  readonly stderr: string
}

export interface KafkaEosApp {
  readonly child: ChildProcess
  readonly exited: Promise<KafkaEosExit>
}

export interface PreparedKafkaEosApp {
  readonly classpath: string
  readonly version: string
}

function versionDir(version: string): string {
  return join(streamctlCacheDir(), 'kafka-streams', version)
}

function javaSources(dir = join(FIXTURE, 'src/main/java')): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...javaSources(p))
    else if (e.name.endsWith('.java')) out.push(p)
  }
  return out.sort()
}

async function resolveJars(version: string): Promise<string> {
  const dir = versionDir(version)
  const lib = join(dir, 'lib')
  if (existsSync(join(dir, COMPLETE))) return lib
  await rm(lib, {recursive: true, force: true})
  await mkdir(lib, {recursive: true})
  const r = await execCapture('mvn', ['-B', '-q', '-f', join(FIXTURE, 'pom.xml'), 'dependency:copy-dependencies', `-Dkafka.version=${version}`, `-DoutputDirectory=${lib}`, '-DincludeScope=runtime'], {timeoutMs: 900_000}).catch((err: unknown) => {
    throw new Error(`cannot run Maven (needed once to fetch kafka-streams ${version}): ${String(err)}`)
  })
  if (r.code !== 0) {
    await rm(lib, {recursive: true, force: true})
    throw new Error(`Maven could not fetch kafka-streams ${version}${r.timedOut ? ' (timed out)' : ''}: ${(r.stdout + r.stderr).trim().split('\n').slice(-8).join(' | ')}`)
  }
  const jars = (await readdir(lib)).filter((f) => f.endsWith('.jar'))
  if (!jars.some((f) => f.startsWith('kafka-streams-'))) throw new Error(`Maven finished but no kafka-streams jar is in ${lib}`)
  await writeFile(join(dir, COMPLETE), `${new Date().toISOString()} ${jars.length} jars\n`)
  return lib
}

/** Resolves the jars (once) and compiles the app (when its source changed); returns the classpath. */
export async function prepareKafkaEosApp(version = KAFKA_STREAMS_VERSION): Promise<PreparedKafkaEosApp> {
  const lib = await resolveJars(version)
  const sources = javaSources()
  const hash = createHash('sha256')
  for (const s of sources) hash.update(relative(FIXTURE, s)).update('\0').update(readFileSync(s)).update('\0')
  const classes = join(versionDir(version), 'classes', hash.digest('hex').slice(0, 16))
  if (!existsSync(join(classes, COMPLETE))) {
    const tmp = `${classes}.tmp-${process.pid}`
    await rm(tmp, {recursive: true, force: true})
    await mkdir(tmp, {recursive: true})
    const r = await execCapture('javac', ['--release', '17', '-encoding', 'UTF-8', '-d', tmp, '-cp', join(lib, '*'), ...sources], {timeoutMs: 120_000})
    if (r.code !== 0) {
      await rm(tmp, {recursive: true, force: true})
      throw new Error(`javac failed on ${FIXTURE}: ${(r.stdout + r.stderr).trim()}`)
    }
    await writeFile(join(tmp, COMPLETE), `${new Date().toISOString()}\n`)
    await rm(classes, {recursive: true, force: true})
    await rename(tmp, classes)
  }
  return {classpath: `${classes}:${join(lib, '*')}`, version}
}

/** The java command line of one run (for a bench that spawns and measures the process itself). */
export function kafkaEosAppArgs(prepared: PreparedKafkaEosApp, o: KafkaEosAppOptions): string[] {
  const level = o.logLevel ?? 'warn'
  const args = [
    `-Xmx${o.heap ?? '256m'}`,
    `-Dorg.slf4j.simpleLogger.defaultLogLevel=${level}`,
    '-Dorg.slf4j.simpleLogger.logFile=System.err',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    '-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient=error',
    ...(o.jvmArgs ?? []),
    '-cp', prepared.classpath,
    MAIN_CLASS, o.mode ?? 'streams',
    '--bootstrap', typeof o.bootstrap === 'string' ? o.bootstrap : o.bootstrap.join(','),
    '--input', o.input,
    '--output', o.output,
    '--app-id', o.appId,
  ]
  const opt = (name: string, v: number | string | undefined): void => { if (v !== undefined) args.push(`--${name}`, String(v)) }
  opt('expect', o.expect)
  opt('idle-seconds', o.idleSeconds)
  opt('key-field', o.keyField)
  opt('commit-interval-ms', o.commitIntervalMs)
  opt('progress-ms', o.progressMs)
  opt('max-rate', o.maxRate)
  opt('state-dir', o.stateDir)
  opt('kill-pid', o.killPid)
  opt('kill-after', o.killAfter)
  opt('kill-delay-us', o.killDelayUs)
  for (const [k, v] of Object.entries(o.props ?? {})) args.push('--prop', `${k}=${v}`)
  return args
}

/** Starts the app (preparing it first); each JSON line it prints is handed to onEvent. */
export async function startKafkaEosApp(o: KafkaEosAppOptions, onEvent: (e: KafkaEosEvent) => void = () => {}): Promise<KafkaEosApp> {
  const prepared = await prepareKafkaEosApp(o.kafkaVersion)
  const child = spawn('java', kafkaEosAppArgs(prepared, o), {stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  let buf = ''
  let report: KafkaEosReport | undefined
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString()
    buf += d.toString()
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + 1)
      let e: KafkaEosEvent
      try {
        e = JSON.parse(line) as KafkaEosEvent
      } catch {
        continue
      }
      if (e.type === 'report') report = e as unknown as KafkaEosReport
      onEvent(e)
    }
  })
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString()
    if (stderr.length > 128 * 1024) stderr = stderr.slice(-64 * 1024)
  })
  const exited = new Promise<KafkaEosExit>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code, signal, ...(report ? {report} : {}), stdout, stderr: stderr.slice(-64 * 1024)}))
  })
  return {child, exited}
}

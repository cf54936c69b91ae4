import {existsSync} from 'node:fs'
import {mkdir, readdir, rm, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {StreamctlError} from '../errors.js'
import {execCapture} from './exec.js'
import {checkMaven} from './prerequisites.js'
import {CONNECT_RUNTIME_JAR_PREFIX, DEV_CONNECT_VERSION, connectArtifacts} from './connect-versions.js'
import {parseKafkaRelease, renderArtifactsPom, renderPom} from './versions.js'

const COMPLETE_MARKER = '.complete'

export function streamctlCacheDir(): string {
  return process.env.STREAMCTL_CACHE ?? join(homedir(), '.cache', 'streamctl')
}

export function kafkaVersionDir(version: string): string {
  return join(streamctlCacheDir(), 'kafka', version)
}

/** Directory of the release's jars (may not exist yet: see fetchKafka). */
export function kafkaLibDir(version: string): string {
  return join(kafkaVersionDir(version), 'lib')
}

export function isKafkaFetched(version: string): boolean {
  return existsSync(join(kafkaVersionDir(version), COMPLETE_MARKER))
}

/**
 * Resolves the release's jars with Maven into the cache, once; a marker written last makes an
 * interrupted download retry instead of running a half-filled classpath. Offline afterwards.
 */
export async function fetchKafka(version: string, opts: {timeoutMs?: number} = {}): Promise<{libDir: string; fetched: boolean}> {
  const release = parseKafkaRelease(version)
  return fetchDist({
    dir: kafkaVersionDir(version), what: `Apache Kafka ${version}`, pom: renderPom(release), requiredJarPrefix: 'kafka_2.13-',
    missingHint: 'check that the release exists (https://kafka.apache.org/downloads) and that Maven can reach the repository',
  }, opts)
}

export function connectVersionDir(version: string = DEV_CONNECT_VERSION): string {
  return join(streamctlCacheDir(), 'connect', version)
}

/** Directory of the Connect worker's jars (may not exist yet: see fetchConnect). */
export function connectLibDir(version: string = DEV_CONNECT_VERSION): string {
  return join(connectVersionDir(version), 'lib')
}

export function isConnectFetched(version: string = DEV_CONNECT_VERSION): boolean {
  return existsSync(join(connectVersionDir(version), COMPLETE_MARKER))
}

/** The Kafka Connect worker's jars (connect-versions.ts), cached like the brokers'. */
export async function fetchConnect(version: string = DEV_CONNECT_VERSION, opts: {timeoutMs?: number} = {}): Promise<{libDir: string; fetched: boolean}> {
  return fetchDist({
    dir: connectVersionDir(version), what: `Kafka Connect ${version}`, requiredJarPrefix: CONNECT_RUNTIME_JAR_PREFIX,
    pom: renderArtifactsPom('connect-dist', version, connectArtifacts(version), `the jars of a Kafka Connect ${version} worker (runtime, FileStream and MirrorMaker 2 plugins, REST basic auth, logging binding)`),
    missingHint: 'check that Maven can reach the repository; the dev worker needs every connect-* artifact at one version',
  }, opts)
}

interface DistSpec {
  readonly dir: string
  readonly what: string
  readonly pom: string
  readonly requiredJarPrefix: string
  readonly missingHint: string
}

async function fetchDist(spec: DistSpec, opts: {timeoutMs?: number}): Promise<{libDir: string; fetched: boolean}> {
  const {dir, what} = spec
  const lib = join(dir, 'lib')
  if (existsSync(join(dir, COMPLETE_MARKER))) return {libDir: lib, fetched: false}
  await checkMaven()
  try {
    await rm(lib, {recursive: true, force: true})
    await mkdir(lib, {recursive: true})
  } catch (err) {
    throw new StreamctlError('DEV_CLUSTER', `cannot write the jar cache ${dir}`, {hint: 'set STREAMCTL_CACHE to a writable directory', cause: err})
  }
  await writeFile(join(dir, 'pom.xml'), spec.pom)
  const r = await execCapture('mvn', ['-B', '-q', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`, '-DincludeScope=runtime'], {timeoutMs: opts.timeoutMs ?? 900_000})
  if (r.code !== 0) {
    await rm(dir, {recursive: true, force: true})
    const out = (r.stdout + r.stderr).trim()
    const missing = /Could not (?:resolve|find artifact)|was not found/.test(out)
    throw new StreamctlError('DEV_CLUSTER', missing
      ? `${what} could not be resolved from Maven Central`
      : `Maven failed to fetch ${what}${r.timedOut ? ' (timed out)' : ''}: ${lastLines(out, 5)}`, {
      hint: missing ? spec.missingHint : 'rerun with network access; the jars are cached once fetched',
    })
  }
  const jars = (await readdir(lib)).filter((f) => f.endsWith('.jar'))
  if (!jars.some((f) => f.startsWith(spec.requiredJarPrefix))) throw new StreamctlError('DEV_CLUSTER', `Maven finished but no ${spec.requiredJarPrefix}*.jar is in ${lib}`)
  await writeFile(join(dir, COMPLETE_MARKER), `${new Date().toISOString()} ${jars.length} jars\n`)
  return {libDir: lib, fetched: true}
}

function lastLines(s: string, n: number): string {
  return s.split('\n').slice(-n).join(' | ')
}

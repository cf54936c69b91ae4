import {existsSync} from 'node:fs'
import {mkdir, readdir, rm, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {StreamctlError} from '../errors.js'
import {execCapture} from './exec.js'
import {checkMaven} from './prerequisites.js'
import {parseKafkaRelease, renderPom} from './versions.js'

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
  const dir = kafkaVersionDir(version)
  const lib = kafkaLibDir(version)
  if (isKafkaFetched(version)) return {libDir: lib, fetched: false}
  await checkMaven()
  try {
    await rm(lib, {recursive: true, force: true})
    await mkdir(lib, {recursive: true})
  } catch (err) {
    throw new StreamctlError('DEV_CLUSTER', `cannot write the Kafka jar cache ${dir}`, {hint: 'set STREAMCTL_CACHE to a writable directory', cause: err})
  }
  await writeFile(join(dir, 'pom.xml'), renderPom(release))
  const r = await execCapture('mvn', ['-B', '-q', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`, '-DincludeScope=runtime'], {timeoutMs: opts.timeoutMs ?? 900_000})
  if (r.code !== 0) {
    await rm(dir, {recursive: true, force: true})
    const out = (r.stdout + r.stderr).trim()
    const missing = /Could not (?:resolve|find artifact)|was not found/.test(out)
    throw new StreamctlError('DEV_CLUSTER', missing
      ? `Apache Kafka ${version} could not be resolved from Maven Central`
      : `Maven failed to fetch Apache Kafka ${version}${r.timedOut ? ' (timed out)' : ''}: ${lastLines(out, 5)}`, {
      hint: missing ? 'check that the release exists (https://kafka.apache.org/downloads) and that Maven can reach the repository' : 'rerun with network access; the jars are cached once fetched',
    })
  }
  const jars = (await readdir(lib)).filter((f) => f.endsWith('.jar'))
  if (!jars.some((f) => f.startsWith('kafka_2.13-'))) throw new StreamctlError('DEV_CLUSTER', `Maven finished but no kafka_2.13 jar is in ${lib}`)
  await writeFile(join(dir, COMPLETE_MARKER), `${new Date().toISOString()} ${jars.length} jars\n`)
  return {libDir: lib, fetched: true}
}

function lastLines(s: string, n: number): string {
  return s.split('\n').slice(-n).join(' | ')
}

import {StreamctlError} from '../errors.js'
import {execCapture, type ExecResult} from './exec.js'
import {fetchKafka} from './jars.js'
import {checkJava} from './prerequisites.js'

/**
 * Runs one of Apache Kafka's own command-line tools from the cached jars of `version`.
 * Tests use it as the oracle: what streamctl writes, Kafka's tools must read back.
 */
export async function runKafkaTool(version: string, mainClass: string, args: readonly string[], opts: {timeoutMs?: number; input?: string} = {}): Promise<ExecResult> {
  await checkJava()
  const {libDir} = await fetchKafka(version)
  const r = await execCapture('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true', '-cp', `${libDir}/*`, mainClass, ...args], {
    timeoutMs: opts.timeoutMs ?? 120_000,
    input: opts.input,
  })
  if (r.timedOut) throw new StreamctlError('DEV_CLUSTER', `${mainClass} did not finish within ${opts.timeoutMs ?? 120_000} ms`)
  return r
}

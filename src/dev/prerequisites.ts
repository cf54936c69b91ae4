import {StreamctlError} from '../errors.js'
import {execCapture} from './exec.js'

/** Java 17 runs every supported Kafka release (4.x needs 17 for brokers). */
export const MIN_JAVA_MAJOR = 17

export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput)
  if (!m) return undefined
  const first = Number(m[1])
  return first === 1 ? Number(m[2]) : first
}

async function probe(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const r = await execCapture(cmd, args, {timeoutMs: 30_000})
    return r.code === 0 ? r.stdout + r.stderr : undefined
  } catch {
    return undefined
  }
}

export async function checkJava(): Promise<number> {
  const out = await probe('java', ['-version'])
  const major = out === undefined ? undefined : parseJavaMajor(out)
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    throw new StreamctlError('PREREQUISITE_MISSING', major === undefined
      ? 'Java was not found on PATH (needed to run Apache Kafka)'
      : `Java ${major} is too old to run Apache Kafka (Java ${MIN_JAVA_MAJOR} or later is needed)`, {
      hint: `install a JDK ${MIN_JAVA_MAJOR}+ (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) and make sure \`java\` is on PATH`,
    })
  }
  return major
}

export async function checkMaven(): Promise<void> {
  const out = await probe('mvn', ['-v'])
  const m = out === undefined ? undefined : /Apache Maven (\d+)\.(\d+)/.exec(out)
  if (!m || Number(m[1]) < 3 || (Number(m[1]) === 3 && Number(m[2]) < 6)) {
    throw new StreamctlError('PREREQUISITE_MISSING', m ? `Maven ${m[1]}.${m[2]} is too old to fetch the Kafka jars` : 'Maven was not found on PATH (needed once to fetch the Apache Kafka jars)', {
      hint: 'install Maven 3.6+ (Debian/Ubuntu: apt-get install maven); afterwards the jars are cached and Maven is no longer needed',
    })
  }
}

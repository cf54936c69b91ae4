import {CODECS, type CodecName} from '../cluster/protocol/compression.js'
import {StreamctlError, formatLocation} from '../errors.js'
import type {DesiredState, JobSpec} from '../model/desired.js'
import type {JobConnection} from './connection.js'
import {declaredFormats, declaredShape} from './declared-topics.js'
import {parseDeclarativeFlags} from './declarative-transform.js'
import {deriveLatest} from './derive-latest.js'
import {deriveVersioned} from './derive-versioned.js'
import {PARTITIONERS, migrate, type Partitioner} from './migrate.js'
import type {JobEvent} from './progress.js'
import type {JobReport} from './record.js'
import {repartition} from './repartition.js'
import {environmentConnection, loadDesired} from './resolve-connection.js'
import {DATA_FORMATS, type DataFormat} from './value-format.js'

/**
 * `streamctl run JOB -e ENV`: a `Job` manifest resolved for an environment, run with the same
 * library functions as the ad-hoc commands. The job name is the manifest name, so a rerun of the
 * same Job resumes. A source/target `environment` other than -e is resolved from the same files.
 */
export interface RunJobOptions {
  readonly desired: DesiredState
  readonly files: readonly string[]
  readonly jobName: string
  readonly follow?: boolean
  /** How to run, from the command line; `compression` and `noGaps` override the Job's options of the same names. */
  readonly compression?: CodecName
  readonly noGaps?: boolean
  readonly restart?: boolean
  readonly signal?: AbortSignal
  readonly onEvent?: (e: JobEvent) => void
}

export function findJob(desired: DesiredState, name: string): JobSpec {
  const job = desired.jobs.find((j) => j.name === name)
  if (!job) {
    const names = desired.jobs.map((j) => j.name)
    throw new StreamctlError('USAGE', `no Job named '${name}' in environment ${desired.environment.name}`, {hint: names.length ? `declared jobs: ${names.join(', ')}` : 'declare one with kind: Job'})
  }
  return job
}

function where(job: JobSpec): string {
  return job.location ? `${formatLocation(job.location)}: ` : `Job/${job.name}: `
}

function oneOf<T extends string>(job: JobSpec, key: string, allowed: readonly T[]): T | undefined {
  const v = opt<string>(job, key, 'string')
  if (v !== undefined && !(allowed as readonly string[]).includes(v)) {
    throw new StreamctlError('MANIFEST_INVALID', `${where(job)}options.${key} must be one of ${allowed.join(', ')}, not '${v}'`, {hint: `fix options.${key} of Job ${job.name}`})
  }
  return v as T | undefined
}

function opt<T>(job: JobSpec, key: string, type: 'string' | 'number' | 'boolean' | 'string[]'): T | undefined {
  const v = job.options[key]
  if (v === undefined) return undefined
  const ok = type === 'string[]' ? Array.isArray(v) && v.every((x) => typeof x === 'string') : typeof v === type
  if (!ok) throw new StreamctlError('MANIFEST_INVALID', `${where(job)}options.${key} must be a ${type}`, {hint: `fix options.${key} of Job ${job.name}`})
  return v as T
}

export async function runJobSpec(o: RunJobOptions): Promise<JobReport> {
  const job = findJob(o.desired, o.jobName)
  const here = o.desired.environment.name
  const connFor = async (env: string | undefined): Promise<JobConnection> =>
    environmentConnection(env === undefined || env === here ? o.desired : await loadDesired(o.files, env))
  const source = await connFor(job.source.environment)
  const common = {
    job: job.name, follow: o.follow, signal: o.signal, onEvent: o.onEvent, restart: o.restart,
    compression: o.compression ?? oneOf<CodecName>(job, 'compression', CODECS), noGaps: o.noGaps || opt<boolean>(job, 'noGaps', 'boolean') === true,
  }
  if (job.kind !== 'migrate' && job.target.environment !== undefined && job.target.environment !== (job.source.environment ?? here)) {
    throw new StreamctlError('MANIFEST_INVALID', `${where(job)}a ${job.kind} job reads and writes one cluster; only migrate takes a target environment`, {hint: 'remove target.environment or make it a migrate job'})
  }
  const deadLetter = opt<string>(job, 'deadLetter', 'string')
  const partitions = opt<number>(job, 'partitions', 'number')
  switch (job.kind) {
    case 'repartition':
      return repartition({...common, connection: source, from: job.source.topic, to: job.target.topic, partitions, deadLetter,
        key: opt<string>(job, 'key', 'string') ?? opt<string>(job, 'keyField', 'string')})
    case 'migrate': {
      for (const unsupported of ['targetSchema', 'startFrom']) {
        if (job.options[unsupported] !== undefined && !(unsupported === 'startFrom' && job.options[unsupported] === 'earliest')) {
          throw new StreamctlError('MANIFEST_INVALID', `${where(job)}options.${unsupported} is not supported by this version of the migrate job`, {hint: `remove options.${unsupported}`})
        }
      }
      const target = await connFor(job.target.environment ?? job.source.environment)
      const sourceDesired = job.source.environment === undefined || job.source.environment === here ? o.desired : await loadDesired(o.files, job.source.environment)
      const declared = declaredFormats(sourceDesired, job.source.topic)
      return migrate({...common, source, target, from: job.source.topic, to: job.target.topic, partitions, deadLetter,
        partitioner: oneOf<Partitioner>(job, 'partitioner', PARTITIONERS),
        valueFormat: oneOf<DataFormat>(job, 'valueFormat', DATA_FORMATS) ?? declared.value, keyFormat: oneOf<DataFormat>(job, 'keyFormat', DATA_FORMATS) ?? declared.key,
        transformModule: opt<string>(job, 'transform', 'string'), filter: opt<string>(job, 'filter', 'string'),
        declarative: parseDeclarativeFlags({rename: opt(job, 'rename', 'string[]'), drop: opt(job, 'drop', 'string[]'), default: opt(job, 'default', 'string[]'), cast: opt(job, 'cast', 'string[]')})})
    }
    case 'derive-latest':
      return deriveLatest({...common, connection: source, from: job.source.topic, to: job.target.topic, partitions, deadLetter,
        versionField: opt<string>(job, 'versionField', 'string'), stateDir: opt<string>(job, 'stateDir', 'string')})
    case 'derive-versioned': {
      const service = opt<string>(job, 'service', 'string')
      const entity = opt<string>(job, 'entity', 'string')
      if (!service || !entity) throw new StreamctlError('MANIFEST_INVALID', `${where(job)}derive-versioned needs options.service and options.entity`, {hint: 'e.g. options: {service: shop, entity: order}'})
      return deriveVersioned({...common, connection: source, from: job.source.topic, to: job.target.topic, partitions, deadLetter, service, entity,
        declaredTarget: declaredShape(job.source.environment === undefined || job.source.environment === here ? o.desired : await loadDesired(o.files, job.source.environment), job.target.topic),
        idField: opt<string>(job, 'idField', 'string'), versionField: opt<string>(job, 'versionField', 'string') ?? 'version', keyTemplate: opt<string>(job, 'keyFormat', 'string')})
    }
  }
}

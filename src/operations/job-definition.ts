import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {looksLikeModulePath} from './load-module.js'

/**
 * A job's definition, as a digest recorded with its checkpoints (the metadata of its committed
 * offsets): a rerun under the same job name whose options changed (another key, transform, filter,
 * partitioning…) would otherwise resume past records it never processed that way, and report
 * success having read nothing. Options that only say how to run (follow, connection, signal,
 * progress, compression, gap policy, state dir, restart) are not part of it; a transform or
 * filter module counts by its content, not its path. Callers pass the options as resolved (the
 * target's partition count, the partitioner chosen), so a rerun that leaves a default implicit
 * resumes the run that spelled it out.
 */
const RUN_ONLY = new Set(['job', 'follow', 'signal', 'onEvent', 'unreachableTimeoutMs', 'connection', 'source', 'target', 'compression', 'noGaps', 'restart', 'stateDir', 'maxBytesPerPartition'])
const MODULE_OPTIONS = new Set(['transformModule', 'filter'])

export const DEFINITION_PREFIX = 'streamctl-def:'

export async function jobDefinition(kind: string, options: object): Promise<string> {
  const parts: [string, unknown][] = []
  for (const [k, v] of Object.entries(options).sort(([a], [b]) => a.localeCompare(b))) {
    if (RUN_ONLY.has(k) || v === undefined || typeof v === 'function') continue
    if (MODULE_OPTIONS.has(k) && typeof v === 'string' && looksLikeModulePath(v)) {
      const content = await readFile(v).catch(() => Buffer.from(v))
      parts.push([k, `module sha256 ${createHash('sha256').update(content).digest('hex')}`])
    } else {
      parts.push([k, v])
    }
  }
  const digest = createHash('sha256').update(JSON.stringify([kind, parts], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).digest('hex')
  return `${DEFINITION_PREFIX}${digest.slice(0, 24)}`
}

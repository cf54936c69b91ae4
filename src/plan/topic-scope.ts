import type {PruneScope} from '../model/environment.js'

/**
 * Which topics the planner may touch. Internal topics (Kafka's `__*`, the schema registry's
 * `_schemas`, streamctl's own `_streamctl*` lock/audit topics) are never planned against.
 */
export function isInternalTopic(name: string, internalFlag = false): boolean {
  return internalFlag || name.startsWith('__') || name === '_schemas' || name.startsWith('_streamctl') || isMirrorMakerInternal(name)
}

/** MirrorMaker 2's own topics (a Replica's offset syncs: `mm2-offset-syncs.<alias>.internal`), as its ReplicationPolicy tells them. */
function isMirrorMakerInternal(name: string): boolean {
  return name.startsWith('mm2-') && name.endsWith('.internal')
}

/**
 * Topic-name globs: `*` any run of characters, `?` one character, everything else literal.
 * Hand-written because path-glob libraries give `/` and `.` meanings topic names do not have.
 */
export function globToRegExp(glob: string): RegExp {
  let re = ''
  for (const ch of glob) {
    if (ch === '*') re += '.*'
    else if (ch === '?') re += '.'
    else re += ch.replace(/[\\^$.+()|[\]{}]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

export function matchesAnyGlob(name: string, globs: readonly string[]): boolean {
  return globs.some((g) => globToRegExp(g).test(name))
}

export function inPruneScope(name: string, prune: PruneScope | undefined): boolean {
  return prune !== undefined && prune.prefixes.some((p) => p !== '' && name.startsWith(p))
}

import {existsSync} from 'node:fs'
import {resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {StreamctlError} from '../errors.js'
import type {FilterFn, TransformFn} from './record-function.js'

/**
 * Loads a user's transform/filter module (ESM `.js`/`.mjs`; `.ts` works when streamctl itself runs
 * under tsx, as `bin/dev.js` does). The module must export a function of the asked name. Tombstones
 * (null values) pass a module's functions untouched unless it exports `handlesTombstones = true`.
 */
export interface RecordModule<F> {
  readonly fn: F
  readonly handlesTombstones: boolean
}

export async function loadRecordFunction(path: string, name: 'transform'): Promise<RecordModule<TransformFn>>
export async function loadRecordFunction(path: string, name: 'filter'): Promise<RecordModule<FilterFn>>
export async function loadRecordFunction(path: string, name: 'transform' | 'filter'): Promise<RecordModule<TransformFn | FilterFn>> {
  const abs = resolve(path)
  if (!existsSync(abs)) throw new StreamctlError('USAGE', `${name} module '${path}' not found`, {hint: `pass a path to a .js/.mjs file exporting ${name}(record)`})
  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>
  } catch (err) {
    throw new StreamctlError('USAGE', `${name} module '${path}' failed to load: ${(err as Error).message}`, {hint: 'run it with node to see the full error', cause: err})
  }
  const fn = mod[name] ?? (mod.default as Record<string, unknown> | undefined)?.[name]
  if (typeof fn !== 'function') {
    throw new StreamctlError('USAGE', `${name} module '${path}' does not export a function '${name}'`, {hint: `add: export function ${name}(record) { … }`})
  }
  const flag = mod.handlesTombstones ?? (mod.default as Record<string, unknown> | undefined)?.handlesTombstones
  return {fn: fn as TransformFn | FilterFn, handlesTombstones: flag === true}
}

export function looksLikeModulePath(s: string): boolean {
  return /\.(m?js|cjs|m?ts)$/.test(s)
}

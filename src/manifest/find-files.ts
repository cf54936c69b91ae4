import {statSync} from 'node:fs'
import path from 'node:path'
import {glob, isDynamicPattern} from 'tinyglobby'
import {StreamctlError} from '../errors.js'

const YAML_EXT = /\.ya?ml$/i

/**
 * Expands `-f` arguments (files, directories, globs) into a sorted, de-duplicated list of YAML
 * files relative to `cwd`. An argument that matches nothing is an error: silently validating
 * zero manifests would look like success.
 */
export async function findManifestFiles(inputs: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>()
  for (const input of inputs) {
    const before = found.size
    if (isDynamicPattern(input)) {
      for (const f of await glob(input, {cwd, onlyFiles: true})) if (YAML_EXT.test(f)) found.add(rel(cwd, path.resolve(cwd, f)))
    } else {
      const abs = path.resolve(cwd, input)
      const st = statOrUndefined(abs)
      if (!st) {
        throw new StreamctlError('MANIFEST_NOT_FOUND', `${input}: no such file or directory`, {
          hint: input === './manifests' ? 'run from a directory with a manifests/ folder, or pass -f PATH' : 'check the -f path',
        })
      }
      if (st.isDirectory()) {
        for (const f of await glob('**/*.{yaml,yml}', {cwd: abs, onlyFiles: true})) found.add(rel(cwd, path.join(abs, f)))
      } else {
        found.add(rel(cwd, abs))
      }
    }
    if (found.size === before && !hasAlready(found, input, cwd)) {
      throw new StreamctlError('MANIFEST_NOT_FOUND', `${input}: no manifest files (*.yaml, *.yml) found`, {hint: 'check the -f path or glob'})
    }
  }
  return [...found].sort()
}

function hasAlready(found: Set<string>, input: string, cwd: string): boolean {
  return !isDynamicPattern(input) && found.has(rel(cwd, path.resolve(cwd, input)))
}

function statOrUndefined(p: string) {
  try {
    return statSync(p)
  } catch {
    return undefined
  }
}

function rel(cwd: string, abs: string): string {
  const r = path.relative(cwd, abs)
  return (r.startsWith('..') || path.isAbsolute(r) ? abs : r).split(path.sep).join('/')
}

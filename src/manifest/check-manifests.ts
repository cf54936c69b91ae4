import {DiagnosticsError, type Diagnostic} from '../errors.js'
import type {DesiredState} from '../model/desired.js'
import {loadManifests} from './load-manifests.js'
import {environmentNames, resolveEnvironmentWithWarnings} from './resolve-environment.js'
import type {ManifestSet} from './resource.js'
import {sortDiagnostics} from './sort-diagnostics.js'

export interface CheckOptions {
  files: readonly string[]
  /** One environment, or every declared environment when absent. */
  env?: string
  cwd?: string
  processEnv?: Readonly<Record<string, string | undefined>>
}

export interface CheckedEnvironment {
  readonly name: string
  readonly desired: DesiredState
}

export interface CheckResult {
  readonly set: ManifestSet
  readonly environments: readonly CheckedEnvironment[]
  readonly warnings: readonly Diagnostic[]
}

/**
 * Offline check of a manifest set (what `validate` and `lint` run): load, then resolve the chosen
 * environment or each of them. Secrets may be missing (offline). Throws DiagnosticsError with
 * every problem; warnings common to several environments are reported once.
 */
export async function checkManifests(opts: CheckOptions): Promise<CheckResult> {
  const set = await loadManifests(opts.files, {cwd: opts.cwd, env: opts.processEnv})
  const names = opts.env === undefined ? environmentNames(set) : [opts.env]
  const environments: CheckedEnvironment[] = []
  const warnings = new Map<string, Diagnostic>()
  for (const w of set.warnings) warnings.set(key(w), w)
  // No Environment declared: resolving with no name reports it (the semantic checks need one).
  // Every environment is checked even after one fails, so all problems are reported in one go.
  const errors = new Map<string, Diagnostic>()
  for (const name of names.length > 0 ? names : [undefined]) {
    try {
      const r = resolveEnvironmentWithWarnings(set, name, {offline: true})
      environments.push({name: r.desired.environment.name, desired: r.desired})
      for (const w of r.warnings) warnings.set(key(w), w)
    } catch (e) {
      if (!(e instanceof DiagnosticsError) || names.length <= 1) throw e
      for (const d of e.diagnostics) (d.severity === 'error' ? errors : warnings).set(key(d), d)
    }
  }
  if (errors.size > 0) throw new DiagnosticsError(sortDiagnostics([...errors.values(), ...warnings.values()]))
  return {set, environments, warnings: [...warnings.values()]}
}

function key(d: Diagnostic): string {
  return `${d.rule}|${d.location?.file}:${d.location?.line}:${d.location?.column}|${d.message}`
}

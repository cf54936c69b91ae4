import {DiagnosticsError, type Diagnostic} from '../errors.js'
import type {DesiredState} from '../model/desired.js'
import {loadManifestsForCheck} from './load-manifests.js'
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
  const loaded = await loadManifestsForCheck(opts.files, {cwd: opts.cwd, env: opts.processEnv})
  const set = loaded.set
  const brokenEnvs = new Set((set.invalid ?? []).filter((r) => r.kind === 'Environment').map((r) => r.name))
  const declared = environmentNames(set)
  // An environment too broken to load has its errors reported already; it cannot be resolved.
  const names = (opts.env === undefined ? declared : [opts.env]).filter((n) => !brokenEnvs.has(n))
  const environments: CheckedEnvironment[] = []
  const warnings = new Map<string, Diagnostic>()
  const errors = new Map<string, Diagnostic>()
  for (const w of set.warnings) warnings.set(key(w), w)
  for (const e of loaded.errors) errors.set(key(e), e)
  // No Environment declared: resolving with no name reports it (the semantic checks need one).
  // Every environment is checked even after one fails, and after loading errors, so all problems
  // are reported in one go.
  const toResolve = names.length > 0 ? names : brokenEnvs.size > 0 ? [] : [undefined]
  for (const name of toResolve) {
    try {
      const r = resolveEnvironmentWithWarnings(set, name, {offline: true})
      environments.push({name: r.desired.environment.name, desired: r.desired})
      for (const w of r.warnings) warnings.set(key(w), w)
    } catch (e) {
      if (!(e instanceof DiagnosticsError)) {
        if (errors.size > 0) continue
        throw e
      }
      for (const d of e.diagnostics) (d.severity === 'error' ? errors : warnings).set(key(d), d)
    }
  }
  if (errors.size > 0) throw new DiagnosticsError(sortDiagnostics([...errors.values(), ...warnings.values()]))
  return {set, environments, warnings: [...warnings.values()]}
}

function key(d: Diagnostic): string {
  return `${d.rule}|${d.location?.file}:${d.location?.line}:${d.location?.column}|${d.message}`
}

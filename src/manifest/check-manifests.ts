import {DiagnosticsError, type Diagnostic} from '../errors.js'
import type {DesiredState} from '../model/desired.js'
import {undeclaredReferenceWarnings} from '../schemas/undeclared-references.js'
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
      for (const w of [...r.warnings, ...undeclaredReferenceWarnings(r.desired)]) warnings.set(key(w), w)
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

/**
 * One environment's desired state for the commands that connect (plan, apply, export, diff),
 * with the same every-problem-at-once report as `validate`: when loading finds errors, the
 * selected environment is still resolved so its own problems are listed with them.
 */
export async function loadEnvironment(files: readonly string[], env: string | undefined,
  opts: {offline?: boolean; cwd?: string; processEnv?: Readonly<Record<string, string | undefined>>} = {}): Promise<DesiredState> {
  const loaded = await loadManifestsForCheck(files, {cwd: opts.cwd, env: opts.processEnv})
  if (loaded.errors.length === 0) return resolveEnvironmentWithWarnings(loaded.set, env, {offline: opts.offline}).desired
  const all = new Map<string, Diagnostic>()
  for (const d of [...loaded.errors, ...loaded.set.warnings]) all.set(key(d), d)
  try {
    resolveEnvironmentWithWarnings(loaded.set, env, {offline: opts.offline})
  } catch (e) {
    // An environment that cannot even be selected (too broken to load) adds nothing new.
    if (e instanceof DiagnosticsError) for (const d of e.diagnostics) all.set(key(d), d)
  }
  throw new DiagnosticsError(sortDiagnostics([...all.values()]))
}

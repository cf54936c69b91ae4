#!/usr/bin/env node
// One `apply --auto-approve` of an environment through the library, measured from inside the
// process: wall time of the apply (lock, observe, plan, execute, wait until every broker reads the
// changes back, audit), admin requests the gateway sent, the visibility wait. Prints one JSON line.
import {register} from 'tsx/esm/api'

register()
const [dir, envName] = process.argv.slice(2)
const {loadManifests, resolveEnvironment} = await import('../src/manifest/index.ts')
const {connectEnvironment} = await import('../src/reconcile/target.ts')
const {applyEnvironment} = await import('../src/reconcile/apply-environment.ts')
async function loadDesired() {
  return resolveEnvironment(await loadManifests([dir]), envName)
}
const desired = await loadDesired()
const target = await connectEnvironment(desired.environment, {start: false})
const t0 = performance.now()
const report = await applyEnvironment(target, desired, {streamctlVersion: 'bench'})
const applyMs = Math.round(performance.now() - t0)
const requests = target.gateway.stats().requests
await target.close()
const r = report.result
console.log(JSON.stringify({
  outcome: report.outcome,
  applyMs,
  requests,
  done: r?.counts.done ?? 0,
  failed: r?.counts.failed ?? 0,
  visibilityMs: r?.visibility?.ms ?? null,
  converged: r?.visibility?.converged ?? null,
  firstError: r?.results.find((x) => x.outcome === 'failed')?.error?.slice(0, 300) ?? null,
  maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
}))

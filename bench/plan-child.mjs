#!/usr/bin/env node
// One `plan` of an environment through the library, measured from inside the process so the
// figures are the planner's own: phase times, admin requests sent, peak RSS. Prints one JSON line.
import {register} from 'tsx/esm/api'

register()
// A third argument `no-impact` plans as before issue 22 (no activity read), for the comparison.
const [dir, envName, mode] = process.argv.slice(2)
const t0 = performance.now()
const {loadManifests, resolveEnvironment} = await import('../src/manifest/index.ts')
const {connectEnvironment} = await import('../src/reconcile/target.ts')
const {planEnvironment, observeForPlan, TOPIC_DEFAULTS} = await import('../src/reconcile/plan-environment.ts')
const {planChanges} = await import('../src/plan/index.ts')
const tImport = performance.now()
// Loaded inside a function, as the CLI's loadDesired does: a top-level await would keep the parsed
// YAML documents (needed only for error positions while resolving) alive for the whole run.
async function loadDesired() {
  const set = await loadManifests([dir])
  return resolveEnvironment(set, envName)
}
const desired = await loadDesired()
const tLoad = performance.now()
const target = await connectEnvironment(desired.environment, {start: false})
const {plan, observed} = mode === 'no-impact'
  ? await (async () => {
    const observed = await observeForPlan(target, desired)
    return {observed, plan: planChanges(desired, observed, {allowDelete: false, topicDefaults: TOPIC_DEFAULTS})}
  })()
  : await planEnvironment(target, desired)
const tPlan = performance.now()
const {requests, requestsPerApi} = target.gateway.stats()
await target.close()
console.log(JSON.stringify({
  importMs: Math.round(tImport - t0),
  loadMs: Math.round(tLoad - tImport),
  observeAndPlanMs: Math.round(tPlan - tLoad),
  totalMs: Math.round(tPlan - t0),
  requests,
  requestsPerApi,
  topicsObserved: observed.topics.length,
  actions: plan.actions.length,
  impact: plan.impact?.length ?? 0,
  impactGroups: (plan.impact ?? []).reduce((n, i) => n + i.groups.length, 0),
  maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
}))

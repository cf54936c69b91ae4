import {StreamctlError} from '../errors.js'
import {planDigest} from '../plan/planner.js'
import type {Plan} from '../plan/plan.js'
import {PLAN_FORMAT_VERSION} from '../plan/plan.js'
import {ACTION_KINDS} from '../plan/actions.js'
import {assertNoSecrets} from './no-secrets.js'

/** The `--json` / `-o plan.json` form: the contract of docs/plan-format.md, two-space indented. */
export function renderPlanJson(plan: Plan): string {
  assertNoSecrets(plan)
  return `${JSON.stringify(plan, null, 2)}\n`
}

/**
 * Reads a saved plan back: refuses another format version and a plan whose digest does not match
 * its content (edited by hand or truncated), since apply executes exactly what was reviewed.
 */
export function parsePlanJson(text: string, source = 'plan.json'): Plan {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new StreamctlError('USAGE', `${source} is not valid JSON: ${(error as Error).message}`, {
      hint: 'pass a file written by `streamctl plan -o <file>`',
    })
  }
  const plan = data as Partial<Plan> | null
  if (plan === null || typeof plan !== 'object' || plan.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new StreamctlError('USAGE', `${source}: unsupported plan formatVersion ${String((plan as {formatVersion?: unknown} | null)?.formatVersion)}, expected ${PLAN_FORMAT_VERSION}`, {
      hint: 'plan again with this version of streamctl',
    })
  }
  const shapeProblem = checkShape(plan as Record<string, unknown>)
  if (shapeProblem !== undefined) {
    throw new StreamctlError('USAGE', `${source}: not a streamctl plan (${shapeProblem})`, {hint: 'pass a file written by `streamctl plan -o <file>`'})
  }
  // createdAt, impact and replicas (lag, timestamps) are outside the digest: see sealPlan.
  const {digest, createdAt: _createdAt, impact: _impact, replicas: _replicas, ...body} = plan as Plan
  if (digest !== planDigest(body)) {
    throw new StreamctlError('PLAN_STALE', `${source}: the plan's digest does not match its content`, {
      hint: 'the file was changed after it was planned; plan again and review the new plan',
    })
  }
  return plan as Plan
}

/** Enough structure for the executor to rely on; the digest then vouches for the content. */
function checkShape(p: Record<string, unknown>): string | undefined {
  for (const key of ['actions', 'blocked', 'drift'] as const) if (!Array.isArray(p[key])) return `${key} is not a list`
  for (const key of ['environment', 'observedDigest', 'digest'] as const) if (typeof p[key] !== 'string') return `${key} is missing`
  const kinds: readonly string[] = ACTION_KINDS
  const bad = (p.actions as {kind?: unknown}[]).find((a) => typeof a?.kind !== 'string' || !kinds.includes(a.kind))
  if (bad !== undefined) return `unknown action kind ${JSON.stringify(bad?.kind)}`
  return undefined
}

import {StreamctlError} from '../errors.js'
import {digestOf} from '../plan/digest.js'
import type {Plan} from '../plan/plan.js'
import {PLAN_FORMAT_VERSION} from '../plan/plan.js'
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
  const {digest, createdAt: _createdAt, ...body} = plan as Plan
  if (digest !== digestOf(body)) {
    throw new StreamctlError('PLAN_STALE', `${source}: the plan's digest does not match its content`, {
      hint: 'the file was changed after it was planned; plan again and review the new plan',
    })
  }
  return plan as Plan
}

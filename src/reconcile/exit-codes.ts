import type {Plan} from '../plan/index.js'

/** `--detailed-exitcode` and apply: documented in the README's exit-code table. */
export const EXIT_CHANGES_PENDING = 2
export const EXIT_BLOCKED = 3

/** 0 nothing to do, 2 changes pending, 3 anything blocked (with or without other changes). */
export function detailedExitCode(plan: Pick<Plan, 'actions' | 'blocked'>): number {
  if (plan.blocked.length > 0) return EXIT_BLOCKED
  return plan.actions.length > 0 ? EXIT_CHANGES_PENDING : 0
}

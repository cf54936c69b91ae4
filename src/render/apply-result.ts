import type {ApplyResult} from '../apply/events.js'

/**
 * The lines an apply prints about what did not get done: each failed or skipped action once, with
 * its own resource and error only. Output therefore grows linearly with the
 * number of failures (an error that listed every other failed resource, repeated per action, once
 * made a failed apply of 2,000 topics print over 100 MB).
 */
export function renderApplyProblems(result: ApplyResult): string[] {
  // Actions that share one error (a request that failed as a whole) print it once, then their ids.
  const groups = new Map<string, {outcome: string; detail: string | undefined; ids: string[]}>()
  for (const r of result.results) {
    if (r.outcome === 'done' || r.outcome === 'validated') continue
    const detail = r.error ?? r.why
    const key = `${r.outcome}\u0000${detail ?? ''}`
    const g = groups.get(key) ?? {outcome: r.outcome, detail, ids: []}
    g.ids.push(r.id)
    groups.set(key, g)
  }
  const lines: string[] = []
  for (const g of groups.values()) {
    const tail = g.detail ? ` — ${g.detail}` : ''
    if (g.ids.length === 1) lines.push(`  ${g.outcome}: ${g.ids[0]}${tail}`)
    else lines.push(`  ${g.outcome} (${g.ids.length})${tail}:`, ...g.ids.map((id) => `    ${id}`))
  }
  return lines
}

/** One line on whether every broker read the changes back before apply returned; undefined when nothing was waited for. */
export function renderVisibility(result: ApplyResult): string | undefined {
  const v = result.visibility
  if (!v) return undefined
  const secs = (v.ms / 1000).toFixed(1)
  if (v.converged) return `Visible on all ${v.brokers} broker(s) after ${secs} s.`
  return [
    `warning: after ${secs} s, ${v.pendingCount} change(s) were not yet visible on every broker; a plan made now may still show them:`,
    ...v.pendingSample.map((s) => `  ${s}`),
  ].join('\n')
}

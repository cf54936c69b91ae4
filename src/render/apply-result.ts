import type {ApplyResult} from '../apply/events.js'

/**
 * The lines an apply prints about what did not get done: one per failed or skipped action, each
 * naming that action's own resource and error only. Output therefore grows linearly with the
 * number of failures (an error that listed every other failed resource, repeated per action, once
 * made a failed apply of 2,000 topics print over 100 MB).
 */
export function renderApplyProblems(result: ApplyResult): string[] {
  const lines: string[] = []
  for (const r of result.results) {
    if (r.outcome === 'done' || r.outcome === 'validated') continue
    const detail = r.error ?? r.why
    lines.push(`  ${r.outcome}: ${r.id}${detail ? ` — ${detail}` : ''}`)
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

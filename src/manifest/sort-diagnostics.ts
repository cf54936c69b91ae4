import type {Diagnostic} from '../errors.js'

/** Diagnostics in reading order (file, line, column), so output and goldens are stable. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => {
    const fa = a.location?.file ?? '', fb = b.location?.file ?? ''
    if (fa !== fb) return fa < fb ? -1 : 1
    return (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0)
  })
}

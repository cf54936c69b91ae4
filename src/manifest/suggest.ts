import {closest, distance} from 'fastest-levenshtein'

/** "did you mean" for a misspelt name: the closest candidate, when it is plausibly a typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined
  // A prefix ("warn" for "warning") is as telling as a small edit distance.
  const prefixed = candidates.find((c) => word.length >= 3 && c.toLowerCase().startsWith(word.toLowerCase()))
  if (prefixed !== undefined) return prefixed
  const best = closest(word, candidates as string[])
  const d = distance(word.toLowerCase(), best.toLowerCase())
  return d <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined
}

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const s = suggest(word, candidates)
  return s === undefined ? undefined : `did you mean "${s}"?`
}

import type {Finding, LintRule} from '../rule.js'

/** Kafka's topic-name rule (Topic.java): `[a-zA-Z0-9._-]`, at most 249 characters, not `.` or `..`. */
const TOPIC_CHAR = /^[a-zA-Z0-9._-]$/
const MAX_TOPIC_NAME = 249

/** Why `glob` can never match a valid topic name, or undefined when some valid name matches it. */
export function protectGlobProblem(glob: string): string | undefined {
  const bad = [...new Set([...glob].filter((c) => c !== '*' && c !== '?' && !TOPIC_CHAR.test(c)))]
  if (bad.length > 0) return `it contains ${bad.map((c) => JSON.stringify(c)).join(', ')}, which no topic name can contain (only letters, digits, '.', '_' and '-')`
  const fixed = [...glob].filter((c) => c !== '*').length
  if (fixed > MAX_TOPIC_NAME) return `it needs at least ${fixed} characters, and topic names have at most ${MAX_TOPIC_NAME}`
  if (glob === '.' || glob === '..') return `"${glob}" is not a valid topic name`
  return undefined
}

export const protectGlob: LintRule = {
  id: 'protect-glob',
  description: 'every protect glob can match some valid topic name, or is a principal glob (User:…) (a typo there protects nothing)',
  defaultSeverity: 'warning',
  check(desired) {
    const env = desired.environment
    const out: Finding[] = []
    env.protect.forEach((glob, i) => {
      // `User:…` entries protect principals (their credentials and quotas), not topics.
      if (/^(User|Group):/.test(glob)) return
      const problem = protectGlobProblem(glob)
      if (problem === undefined) return
      out.push({
        resource: `Environment/${env.name}`,
        message: `protect glob ${JSON.stringify(glob)} (spec.protect[${i}]) can never match a topic: ${problem}`,
        hint: 'use topic-name characters with * (any run) and ? (one character), e.g. shop.*',
      })
    })
    return out
  },
}

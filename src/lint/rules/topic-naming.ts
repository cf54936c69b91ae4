import type {LintRule} from '../rule.js'

/** Business-significant, versioned names: `<domain>.<entity>[.<more>].v<N>`, e.g. shop.orders.v1. */
export const DEFAULT_TOPIC_PATTERN = '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+\\.v[0-9]+$'

export const topicNaming: LintRule = {
  id: 'topic-naming',
  description: 'topic names follow the naming convention (options.pattern, a regular expression)',
  defaultSeverity: 'error',
  check(desired, options) {
    const source = typeof options.pattern === 'string' ? options.pattern : DEFAULT_TOPIC_PATTERN
    let re: RegExp
    try {
      re = new RegExp(source)
    } catch {
      return [{message: `topic-naming pattern ${JSON.stringify(source)} is not a valid regular expression`, hint: 'fix options.pattern in the Policy'}]
    }
    return desired.topicMeta.filter((t) => !re.test(t.name)).map((t) => ({
      resource: `Topic/${t.name}`, location: t.location,
      message: `topic name "${t.name}" does not match the naming convention ${source}`,
      hint: 'use a business-significant, versioned name such as shop.orders.v1',
    }))
  },
}

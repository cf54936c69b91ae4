import type {LintRule} from '../rule.js'

export const serviceCredentials: LintRule = {
  id: 'service-credentials',
  description: 'in production-like environments every Service principal (User:<name>) has a declared User, so its credential is managed as code',
  defaultSeverity: 'error',
  check(desired) {
    const env = desired.environment
    if (!env.productionLike) return []
    const users = new Set(desired.users.map((u) => u.name))
    return desired.services.flatMap((s) => {
      if (!s.principal.startsWith('User:')) return []
      const user = s.principal.slice('User:'.length)
      if (users.has(user)) return []
      return [{
        resource: `Service/${s.name}`, location: s.location,
        message: `service ${s.name} runs as ${s.principal}, but no User ${user} is declared for ${env.name}`,
        hint: `add a User named ${user} (kind: User, spec.password: \${env:...}) that applies to ${env.name}, or turn the rule off in a Policy if the cluster authenticates by certificates`,
      }]
    })
  },
}

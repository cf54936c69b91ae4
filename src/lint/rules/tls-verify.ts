import type {LintRule} from '../rule.js'

export const tlsVerify: LintRule = {
  id: 'tls-verify',
  description: 'production-like environments never skip TLS hostname verification',
  defaultSeverity: 'error',
  check(desired) {
    const env = desired.environment
    return env.productionLike && env.kafka?.tls?.insecureSkipVerify
      ? [{resource: `Environment/${env.name}`, message: `environment ${env.name} skips TLS verification`, hint: 'remove insecureSkipVerify and configure caFile'}]
      : []
  },
}

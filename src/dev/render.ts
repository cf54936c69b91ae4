import type {DevClusterInfo} from './info.js'

/**
 * The lines `dev up` and `dev status` print; `bootstrap:` and `cluster-id:` stand on their own
 * lines so scripts can grep them. Never prints a password (see credentialsLines).
 */
export function summaryLines(info: DevClusterInfo): string[] {
  const lines = [`bootstrap: ${info.bootstrap.join(',')}`, `cluster-id: ${info.clusterId}`]
  if (info.registryUrl) lines.push(`registry: ${info.registryUrl}`)
  if (info.registryUrl && info.registryAuth) lines.push(`registry-auth: HTTP Basic as ${info.registryAuth.username} (the admin's password)`)
  if (info.connect) {
    lines.push(`connect: ${info.connect.url}`)
    if (info.connect.auth) lines.push(`connect-auth: HTTP Basic as ${info.connect.auth.username} (the admin's password); the worker logs in to Kafka as ${info.connect.principal ?? '?'}`)
  }
  if (info.secure) {
    lines.push('security: SASL_SSL + SCRAM-SHA-512 (CA: ' + (info.caFile ?? '?') + ')')
    if (info.saslPlaintext) lines.push(`bootstrap-sasl-plaintext: ${info.saslPlaintext.bootstrap.join(',')}`)
    lines.push(`credentials: ${info.credentialsFile ?? '?'} (dev status --show-secrets prints them)`)
  }
  return lines
}

export function nodeLines(info: DevClusterInfo): string[] {
  const c = info.connect
  const connect = c ? [`connect-worker: ${c.up ? `up (pid ${c.pid})` : c.enabled ? 'down' : 'off (dev up --connect starts it)'}  port ${c.port}`] : []
  return [...info.nodes.map((n) => `node ${n.id}: ${n.up ? `up (pid ${n.pid})` : 'down'}${n.roles === 'broker' ? '  broker-only' : ''}${n.rack !== undefined ? `  rack ${n.rack}` : ''}  ports ${Object.entries(n.ports).map(([k, v]) => `${k}=${v}`).join(' ')}`), ...connect]
}

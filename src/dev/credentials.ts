import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Secret} from '../model/secret.js'

export interface DevCredentials {
  readonly username: string
  readonly password: Secret
}

export const DEV_ADMIN_USER = 'admin'

/** Hex only: Kafka's `-S` SCRAM syntax forbids commas, and hex needs no quoting anywhere. */
export function generatePassword(): string {
  return randomBytes(18).toString('hex')
}

export async function writeCredentials(secureDir: string, username: string, password: string): Promise<string> {
  const file = join(secureDir, 'credentials.json')
  await writeFile(file, JSON.stringify({username, password, mechanism: 'scram-sha-512'}, null, 2) + '\n', {mode: 0o600})
  return file
}

export function readCredentials(file: string): DevCredentials {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {username: string; password: string}
  return {username: raw.username, password: new Secret(raw.password, `file:${file}`)}
}

/** Java client config for Kafka's own tools (0600: it holds the password). */
export async function writeToolClientConfig(file: string, creds: DevCredentials, tls?: {caFile: string}): Promise<void> {
  const lines = [
    `security.protocol=${tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'}`,
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${creds.username}" password="${creds.password.reveal()}";`,
  ]
  if (tls) lines.push('ssl.truststore.type=PEM', `ssl.truststore.location=${tls.caFile}`)
  await writeFile(file, lines.join('\n') + '\n', {mode: 0o600})
}

import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {chmod, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Secret} from '../model/secret.js'

export interface DevCredentials {
  readonly username: string
  readonly password: Secret
}

export const DEV_ADMIN_USER = 'admin'

/** The nodes' own principal on the INTERNAL (inter-broker) and CONTROLLER listeners (SASL/PLAIN). */
export const DEV_INTERNAL_USER = 'broker'

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

export function internalCredentialsFile(secureDir: string): string {
  return join(secureDir, 'internal.json')
}

/**
 * The nodes' SASL/PLAIN user (static JAAS, in server.properties): created on the first start that
 * needs it, so a secure cluster made before it existed gains it at its next start.
 */
export async function ensureInternalCredentials(secureDir: string): Promise<DevCredentials> {
  return ensureCredentialsFile(internalCredentialsFile(secureDir), DEV_INTERNAL_USER, 'plain')
}

export function connectCredentialsFile(secureDir: string): string {
  return join(secureDir, 'connect.json')
}

/** The Connect worker's own SCRAM-SHA-512 user, made on the first start of the worker. */
export async function ensureConnectCredentials(secureDir: string, username: string): Promise<DevCredentials> {
  return ensureCredentialsFile(connectCredentialsFile(secureDir), username, 'scram-sha-512')
}

async function ensureCredentialsFile(file: string, username: string, mechanism: string): Promise<DevCredentials> {
  if (!existsSync(file)) {
    await writeFile(file, JSON.stringify({username, password: generatePassword(), mechanism}, null, 2) + '\n', {mode: 0o600})
  }
  return readCredentials(file)
}

/** The admin's password alone (0600), for `registry serve --sasl-password-file/--auth-password-file`. */
export function adminPasswordFile(secureDir: string): string {
  return join(secureDir, 'admin.password')
}

export async function writeAdminPasswordFile(secureDir: string, creds: DevCredentials): Promise<string> {
  const file = adminPasswordFile(secureDir)
  await writeFile(file, creds.password.reveal() + '\n', {mode: 0o600})
  await chmod(file, 0o600)
  return file
}

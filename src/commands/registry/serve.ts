import {readFileSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {StreamctlError} from '../../errors.js'
import {SASL_MECHANISMS, type KafkaConnectionSpec, type SaslMechanism} from '../../model/environment.js'
import {Secret} from '../../model/secret.js'
import {startRegistry} from '../../registry/server.js'

export default class RegistryServe extends BaseCommand {
  static override description = 'Run the dev schema registry (Confluent Schema Registry API) against a Kafka cluster, keeping its state in the _schemas topic'

  static override examples = [
    '<%= config.bin %> registry serve --bootstrap 127.0.0.1:9092 --port 8081',
    'STREAMCTL_SASL_PASSWORD=… <%= config.bin %> registry serve --bootstrap host:9093 --sasl-mechanism scram-sha-512 --sasl-username admin',
  ]

  // A long-running server: its output is the readiness line, not a JSON result.
  static override enableJsonFlag = false

  static override flags = {
    bootstrap: Flags.string({description: 'Kafka bootstrap address host:port (repeatable or comma-separated)', required: true, multiple: true}),
    port: Flags.integer({description: 'HTTP port (0 picks a free one)', default: 8081, min: 0, max: 65535}),
    host: Flags.string({description: 'address to listen on', default: '127.0.0.1'}),
    'sasl-mechanism': Flags.string({description: 'SASL mechanism', options: [...SASL_MECHANISMS]}),
    'sasl-username': Flags.string({description: 'SASL username', dependsOn: ['sasl-mechanism']}),
    'sasl-password-file': Flags.string({description: 'file holding the SASL password (else env STREAMCTL_SASL_PASSWORD)'}),
    'ca-file': Flags.string({description: 'PEM CA bundle: connect with TLS'}),
    topic: Flags.string({description: 'the topic holding the registry state', default: '_schemas'}),
    'auth-username': Flags.string({description: 'demand HTTP Basic auth as this user on every request', dependsOn: ['auth-password-file']}),
    'auth-password-file': Flags.string({description: 'file holding the HTTP Basic password', dependsOn: ['auth-username']}),
  }

  async run(): Promise<{url: string}> {
    const {flags} = await this.parse(RegistryServe)
    const connection: KafkaConnectionSpec = {
      bootstrap: flags.bootstrap.flatMap((b) => b.split(',')).map((b) => b.trim()).filter(Boolean),
      ...(flags['ca-file'] ? {tls: {caFile: flags['ca-file']}} : {}),
      ...(flags['sasl-mechanism'] ? {sasl: saslFrom(flags['sasl-mechanism'] as SaslMechanism, flags['sasl-username'], flags['sasl-password-file'])} : {}),
    }
    const auth = flags['auth-username'] ? {username: flags['auth-username'], password: readPasswordFile(flags['auth-password-file']!, '--auth-password-file')} : undefined
    const registry = await startRegistry({connection, port: flags.port, host: flags.host, topic: flags.topic, ...(auth ? {auth} : {})})
    this.out(`registry: ${registry.url}`)
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    })
    await registry.close()
    return {url: registry.url}
  }
}

function saslFrom(mechanism: SaslMechanism, username: string | undefined, passwordFile: string | undefined) {
  if (!username) throw new StreamctlError('USAGE', '--sasl-mechanism needs --sasl-username', {hint: 'pass --sasl-username NAME'})
  let password: Secret
  if (passwordFile) {
    password = readPasswordFile(passwordFile, '--sasl-password-file')
  } else if (process.env.STREAMCTL_SASL_PASSWORD) {
    password = new Secret(process.env.STREAMCTL_SASL_PASSWORD, 'env:STREAMCTL_SASL_PASSWORD')
  } else {
    throw new StreamctlError('USAGE', 'SASL needs a password', {hint: 'set STREAMCTL_SASL_PASSWORD or pass --sasl-password-file'})
  }
  return {mechanism, username, password}
}

function readPasswordFile(file: string, flag: string): Secret {
  try {
    return new Secret(readFileSync(file, 'utf8').trim(), `file:${file}`)
  } catch (error) {
    throw new StreamctlError('USAGE', `cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, {hint: 'pass a readable file holding only the password'})
  }
}

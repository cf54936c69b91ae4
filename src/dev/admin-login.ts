import {dirname} from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {createGateway} from '../cluster/create-gateway.js'
import {internalCredentialsFile, readCredentials, type DevCredentials} from './credentials.js'
import type {DevEvent} from './events.js'
import type {DevState} from './state.js'
import {internalBootstrap} from './topology.js'

/**
 * Why this exists: Kafka 4.4.0 can restart a node of the secure cluster without the admin's SCRAM
 * credential in its login cache. Seen after another user's credential was deleted and the node was
 * killed and restarted: the node then refuses the admin on both SASL listeners while the other
 * nodes accept it, and users created later log in everywhere. Writing the admin's credential again
 * (same password, new salt) reaches every node through the metadata log and ends it.
 */
const SCRAM_ITERATIONS = 4096

/** Node ids whose SASL_PLAINTEXT listener refuses the admin's login (connection failures are not counted). */
export async function nodesRefusingAdmin(state: DevState, nodeIds: readonly number[]): Promise<number[]> {
  if (!state.layout.secure || !state.credentialsFile) return []
  return nodesRefusingLogin(state, readCredentials(state.credentialsFile), nodeIds)
}

/** Node ids whose SASL_PLAINTEXT listener refuses this SCRAM-SHA-512 login (connection failures are not counted). */
export async function nodesRefusingLogin(state: DevState, creds: DevCredentials, nodeIds: readonly number[]): Promise<number[]> {
  const refusing: number[] = []
  for (const id of nodeIds) {
    const port = state.layout.nodes.find((n) => n.id === id)?.ports.sasl
    if (port === undefined) continue
    const admin = new Kafka({
      brokers: [`127.0.0.1:${port}`], clientId: 'streamctl-dev-login', logLevel: logLevel.NOTHING,
      connectionTimeout: 3000, authenticationTimeout: 5000, retry: {retries: 0},
      sasl: {mechanism: 'scram-sha-512', username: creds.username, password: creds.password.reveal()},
    }).admin()
    try {
      await admin.connect()
    } catch (error) {
      if ((error as Error).name === 'KafkaJSSASLAuthenticationError' || /authentication failed/i.test((error as Error).message)) refusing.push(id)
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }
  return refusing
}

/**
 * Checks the admin can log in on each node just started; when one refuses, stores the admin's
 * credential again through the inter-broker listener as the nodes' own SASL/PLAIN user (a static
 * JAAS login, untouched by the SCRAM fault). Throws while a node still refuses, so the caller's
 * readiness loop retries.
 */
export async function ensureAdminLogin(state: DevState, nodeIds: readonly number[], emit: (e: DevEvent) => void, restored: {done: boolean}): Promise<void> {
  const refusing = await nodesRefusingAdmin(state, nodeIds)
  if (refusing.length === 0) return
  if (!restored.done && state.credentialsFile) {
    const creds = readCredentials(state.credentialsFile)
    emit({type: 'info', message: `node(s) ${refusing.join(', ')} refused the admin's SCRAM login after starting (a Kafka credential-cache fault); storing the admin credential again`})
    const internal = readCredentials(internalCredentialsFile(dirname(state.credentialsFile)))
    const gateway = createGateway({bootstrap: internalBootstrap(state.layout), sasl: {mechanism: 'plain', username: internal.username, password: internal.password}}, {environment: 'dev (internal listener)'})
    try {
      await gateway.alterUserScramCredentials([{kind: 'upsert', user: creds.username, mechanism: 'SCRAM-SHA-512', iterations: SCRAM_ITERATIONS, password: creds.password.reveal()}])
      restored.done = true
    } finally {
      await gateway.close()
    }
  }
  throw new Error(`node(s) ${refusing.join(', ')} refuse the admin's SCRAM login`)
}

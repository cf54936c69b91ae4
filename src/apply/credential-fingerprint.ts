import {pbkdf2, randomBytes, timingSafeEqual} from 'node:crypto'
import {promisify} from 'node:util'
import type {PasswordVerdict, ScramMechanismId} from '../model/state.js'

/**
 * How streamctl knows whether a declared password is the one it set: Kafka keeps only a salted
 * hash and never returns it (DescribeUserScramCredentials gives mechanism and iterations). When
 * apply sets a credential it records PBKDF2-HMAC-SHA256(password, random salt ‖ user/mechanism)
 * in the ledger; a plan recomputes it from the declared secret. The record is as hard to reverse
 * as the SCRAM credential Kafka itself stores (same construction, 4096 iterations). A password
 * changed outside streamctl (kafka-configs) is not seen; changing the declared secret rotates it.
 */
export interface CredentialFingerprint {
  readonly salt: string
  readonly iterations: number
  readonly hash: string
}

const FINGERPRINT_ITERATIONS = 4096

const pbkdf2Async = promisify(pbkdf2)

/** On libuv's thread pool: thousands of users are judged on every core, without blocking the event loop. */
function derive(user: string, mechanism: ScramMechanismId, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(password, 'utf8'), Buffer.concat([salt, Buffer.from(`${user}/${mechanism}`, 'utf8')]), iterations, 32, 'sha256')
}

export async function fingerprintOf(user: string, mechanism: ScramMechanismId, password: string, salt: Buffer = randomBytes(16)): Promise<CredentialFingerprint> {
  return {salt: salt.toString('base64'), iterations: FINGERPRINT_ITERATIONS, hash: (await derive(user, mechanism, password, salt, FINGERPRINT_ITERATIONS)).toString('base64')}
}

export async function passwordVerdict(recorded: CredentialFingerprint | undefined, user: string, mechanism: ScramMechanismId, password: string): Promise<PasswordVerdict> {
  if (recorded === undefined) return 'unknown'
  const expected = Buffer.from(recorded.hash, 'base64')
  const actual = await derive(user, mechanism, password, Buffer.from(recorded.salt, 'base64'), recorded.iterations)
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? 'matches' : 'differs'
}

import {pbkdf2Sync, randomBytes, timingSafeEqual} from 'node:crypto'
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

function derive(user: string, mechanism: ScramMechanismId, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), Buffer.concat([salt, Buffer.from(`${user}/${mechanism}`, 'utf8')]), iterations, 32, 'sha256')
}

export function fingerprintOf(user: string, mechanism: ScramMechanismId, password: string, salt: Buffer = randomBytes(16)): CredentialFingerprint {
  return {salt: salt.toString('base64'), iterations: FINGERPRINT_ITERATIONS, hash: derive(user, mechanism, password, salt, FINGERPRINT_ITERATIONS).toString('base64')}
}

export function passwordVerdict(recorded: CredentialFingerprint | undefined, user: string, mechanism: ScramMechanismId, password: string): PasswordVerdict {
  if (recorded === undefined) return 'unknown'
  const expected = Buffer.from(recorded.hash, 'base64')
  const actual = derive(user, mechanism, password, Buffer.from(recorded.salt, 'base64'), recorded.iterations)
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? 'matches' : 'differs'
}

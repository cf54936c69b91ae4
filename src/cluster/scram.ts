import {pbkdf2, randomBytes} from 'node:crypto'
import {promisify} from 'node:util'
import {ONE_RECORD, splitByBudget} from './batching.js'
import {kafkaErrorName, throwIfErrors} from './errors.js'
import type {BrokerSession} from './broker-session.js'
import type {ScramAlteration, ScramCredentialInfo} from './gateway.js'
import {AlterUserScramCredentials} from './protocol/alter-user-scram-credentials.js'
import {DescribeUserScramCredentials, SCRAM_MECHANISMS} from './protocol/describe-user-scram-credentials.js'

const MECHANISM_NAMES = new Map(Object.entries(SCRAM_MECHANISMS).map(([k, v]) => [v, k as keyof typeof SCRAM_MECHANISMS]))
const HASH = {'SCRAM-SHA-256': {digest: 'sha256', length: 32}, 'SCRAM-SHA-512': {digest: 'sha512', length: 64}} as const

const pbkdf2Async = promisify(pbkdf2)

/**
 * RFC 5802 Hi(password, salt, i) is PBKDF2 with HMAC of the mechanism's hash: what Kafka stores.
 * On libuv's thread pool, so a batch of thousands of users uses every core.
 */
export function saltedPassword(mechanism: keyof typeof HASH, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const h = HASH[mechanism]
  return pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, h.length, h.digest)
}

/** Users without credentials are left out (Kafka answers RESOURCE_NOT_FOUND for them). */
export async function describeUserScramCredentials(session: BrokerSession, users?: readonly string[]): Promise<ScramCredentialInfo[]> {
  const res = await session.send(await session.anyBroker(), DescribeUserScramCredentials, {users: users ? [...users] : null})
  throwIfErrors('DescribeUserScramCredentials', [{code: res.errorCode, message: res.errorMessage}])
  const found = res.results.filter((r) => kafkaErrorName(r.errorCode).name !== 'RESOURCE_NOT_FOUND')
  throwIfErrors('DescribeUserScramCredentials', found.map((r) => ({code: r.errorCode, message: r.errorMessage, resource: `user ${r.user}`})))
  return found
    .map((r) => ({
      user: r.user,
      mechanisms: r.credentials
        .filter((c) => MECHANISM_NAMES.has(c.mechanism as 1 | 2))
        .map((c) => ({mechanism: MECHANISM_NAMES.get(c.mechanism as 1 | 2)!, iterations: c.iterations}))
        .sort((a, b) => (a.mechanism < b.mechanism ? -1 : 1)),
    }))
    .sort((a, b) => a.user.localeCompare(b.user))
}

/**
 * Kafka refuses a request that alters one user twice (DUPLICATE_RESOURCE), so alterations are sent
 * in rounds: round i carries the i-th alteration of each user, in the order given.
 */
export function scramRounds(alterations: readonly ScramAlteration[]): ScramAlteration[][] {
  const rounds: ScramAlteration[][] = []
  const seen = new Map<string, number>()
  for (const a of alterations) {
    const i = seen.get(a.user) ?? 0
    seen.set(a.user, i + 1)
    ;(rounds[i] ??= []).push(a)
  }
  return rounds
}

/**
 * The requests of an alteration list: its rounds, each cut to the controller's record budget like
 * every other metadata-changing request (batching.ts), since each alteration is one metadata record
 * (UserScramCredentialRecord or its removal).
 */
export function scramRequests(alterations: readonly ScramAlteration[]): ScramAlteration[][] {
  return scramRounds(alterations).flatMap((round) => splitByBudget(round, ONE_RECORD).map((batch) => batch.map((b) => b.item)))
}

/** One AlterUserScramCredentials request with its passwords already salted (the slow part, done before any request is timed). */
export interface PreparedScramRequest {
  readonly deletions: {user: string; mechanism: number}[]
  readonly upsertions: {user: string; mechanism: number; iterations: number; salt: Buffer; saltedPassword: Buffer}[]
}

export async function prepareScramRequests(alterations: readonly ScramAlteration[]): Promise<PreparedScramRequest[]> {
  return Promise.all(scramRequests(alterations).map(async (round) => ({
    deletions: round.flatMap((a) => (a.kind === 'delete' ? [{user: a.user, mechanism: SCRAM_MECHANISMS[a.mechanism]}] : [])),
    upsertions: await Promise.all(round.flatMap((a) => {
      if (a.kind !== 'upsert') return []
      const salt = randomBytes(32)
      return [saltedPassword(a.mechanism, a.password, salt, a.iterations).then((salted) => ({
        user: a.user, mechanism: SCRAM_MECHANISMS[a.mechanism], iterations: a.iterations, salt, saltedPassword: salted,
      }))]
    })),
  })))
}

/** Sends prepared requests in order; `progress` after each one keeps a long call alive while the cluster answers. */
export async function sendScramRequests(session: BrokerSession, requests: readonly PreparedScramRequest[], progress: () => void = () => undefined): Promise<void> {
  for (const request of requests) {
    const res = await session.send(await session.controllerBroker(), AlterUserScramCredentials, request)
    throwIfErrors('AlterUserScramCredentials', res.results.map((r) => ({code: r.errorCode, message: r.errorMessage, resource: `user ${r.user}`})))
    progress()
  }
}

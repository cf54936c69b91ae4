import type {Admin, Kafka} from 'kafkajs'
import type {ScramMechanismId} from '../model/state.js'
import type {CredentialFingerprint} from './credential-fingerprint.js'
import {InternalLog} from './internal-log.js'

export const PRINCIPAL_LEDGER_TOPIC = '_streamctl_principals'

/** What an environment owns in its cluster beyond topics: kept between applies. */
export interface LedgerState {
  /** Principals whose ACLs the environment's manifests own. */
  readonly principals: readonly string[]
  /** Per user and mechanism, the fingerprint of the password streamctl set (credential-fingerprint.ts). */
  readonly credentials: Readonly<Record<string, Partial<Record<ScramMechanismId, CredentialFingerprint>>>>
  /** Quota entities (quotaEntityKey) the environment set. */
  readonly quotaEntities: readonly string[]
}

export const EMPTY_LEDGER: LedgerState = {principals: [], credentials: {}, quotaEntities: []}

/** The environment's main record (records written before quotas lack `quotaEntities`). */
interface EnvironmentRecord {
  readonly kind?: 'environment'
  readonly environment: string
  readonly principals: readonly string[]
  readonly quotaEntities?: readonly string[]
  readonly at: string
}

/** One user's fingerprints: a record of its own, so the ledger never holds one record per 10,000 users. */
interface CredentialRecord {
  readonly kind: 'credentials'
  readonly environment: string
  readonly user: string
  readonly credentials: Partial<Record<ScramMechanismId, CredentialFingerprint>>
}

/** A tombstone (null) releases a user. */
type LedgerRecord = EnvironmentRecord | CredentialRecord | null

const sortedUnique = (xs: Iterable<string>): string[] => [...new Set(xs)].sort()

function canonicalCredentials(c: Partial<Record<ScramMechanismId, CredentialFingerprint>> | undefined): string | undefined {
  return c === undefined ? undefined : JSON.stringify(Object.keys(c).sort().map((m) => [m, c[m as ScramMechanismId]]))
}

/**
 * Which principals an environment has applied ACLs for, which users' credentials and which quota
 * entities it set, kept in Kafka so that a Service, User or Quota removed from the manifests stays
 * in the prune scope: the next apply deletes what it left, and only then is it released. A
 * compacted topic with one record per environment (principals, quota entities) and one per user
 * it set a credential for (the password fingerprints), so each record stays small at any estate
 * size and an apply writes only what changed.
 */
export class PrincipalLedger {
  private readonly log: InternalLog<LedgerRecord>

  constructor(
    kafka: Kafka,
    private readonly admin: Admin,
  ) {
    this.log = new InternalLog(kafka, {
      name: PRINCIPAL_LEDGER_TOPIC,
      config: {'cleanup.policy': 'compact', 'retention.ms': '-1', 'message.timestamp.type': 'LogAppendTime'},
    })
  }

  /** The environment's records; empty when nothing was ever recorded (the topic is not created by reading). */
  async read(environment: string): Promise<LedgerState> {
    if (!(await this.exists())) return EMPTY_LEDGER
    const records = await this.log.readAll(this.admin)
    let main: EnvironmentRecord | undefined
    const credentials = new Map<string, CredentialRecord['credentials']>()
    const userPrefix = credentialKey(environment, '')
    for (const r of records) {
      if (r.key === ledgerKey(environment) && r.value !== null && r.value.kind !== 'credentials' && r.value.environment === environment) main = r.value
      else if (r.key.startsWith(userPrefix)) {
        const user = r.key.slice(userPrefix.length)
        if (r.value === null) credentials.delete(user)
        else if (r.value.kind === 'credentials' && r.value.environment === environment) credentials.set(user, r.value.credentials)
      }
    }
    return {
      principals: sortedUnique(main?.principals ?? []),
      credentials: Object.fromEntries([...credentials.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
      quotaEntities: sortedUnique(main?.quotaEntities ?? []),
    }
  }

  /** Records what changed since `previous`: the environment record, each changed user, a tombstone per released user. */
  async write(environment: string, next: LedgerState, previous: LedgerState): Promise<void> {
    const records: {key: string; value: LedgerRecord}[] = []
    const principals = sortedUnique(next.principals)
    const quotaEntities = sortedUnique(next.quotaEntities)
    if (JSON.stringify([principals, quotaEntities]) !== JSON.stringify([sortedUnique(previous.principals), sortedUnique(previous.quotaEntities)])) {
      records.push({key: ledgerKey(environment), value: {kind: 'environment', environment, principals, quotaEntities, at: new Date().toISOString()}})
    }
    for (const user of Object.keys(next.credentials).sort()) {
      if (canonicalCredentials(next.credentials[user]) === canonicalCredentials(previous.credentials[user])) continue
      records.push({key: credentialKey(environment, user), value: {kind: 'credentials', environment, user, credentials: {...next.credentials[user]}}})
    }
    for (const user of Object.keys(previous.credentials).sort()) {
      if (!(user in next.credentials)) records.push({key: credentialKey(environment, user), value: null})
    }
    if (records.length === 0) return
    await this.log.ensure(this.admin)
    await this.log.appendAll(records)
  }

  private async exists(): Promise<boolean> {
    try {
      await this.admin.fetchTopicMetadata({topics: [PRINCIPAL_LEDGER_TOPIC]})
      return true
    } catch (error) {
      if ((error as {type?: string}).type === 'UNKNOWN_TOPIC_OR_PARTITION') return false
      throw error
    }
  }
}

function ledgerKey(environment: string): string {
  return `principals/${environment}`
}

function credentialKey(environment: string, user: string): string {
  return `credentials/${environment}/${user}`
}

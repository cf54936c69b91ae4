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

/** The latest record per environment (records written before users and quotas lack those fields). */
export interface PrincipalLedgerRecord extends Partial<LedgerState> {
  readonly environment: string
  readonly principals: readonly string[]
  readonly at: string
}

function canonical(state: LedgerState): string {
  const credentials = Object.fromEntries(Object.keys(state.credentials).sort().map((u) => {
    const byMechanism = state.credentials[u]!
    return [u, Object.fromEntries(Object.keys(byMechanism).sort().map((m) => [m, byMechanism[m as ScramMechanismId]]))]
  }))
  return JSON.stringify({principals: [...new Set(state.principals)].sort(), credentials, quotaEntities: [...new Set(state.quotaEntities)].sort()})
}

/**
 * Which principals an environment has applied ACLs for, which users' credentials and which quota
 * entities it set, kept in Kafka so that a Service, User or Quota removed from the manifests stays
 * in the prune scope: the next apply deletes what it left, and only then is it released. One
 * record per environment in a compacted topic (the key is the environment), so the topic stays as
 * small as the number of environments.
 */
export class PrincipalLedger {
  private readonly log: InternalLog<PrincipalLedgerRecord>

  constructor(
    kafka: Kafka,
    private readonly admin: Admin,
  ) {
    this.log = new InternalLog(kafka, {
      name: PRINCIPAL_LEDGER_TOPIC,
      config: {'cleanup.policy': 'compact', 'retention.ms': '-1', 'message.timestamp.type': 'LogAppendTime'},
    })
  }

  /** The environment's record; empty when nothing was ever recorded (the topic is not created by reading). */
  async read(environment: string): Promise<LedgerState> {
    if (!(await this.exists())) return EMPTY_LEDGER
    const records = await this.log.readAll(this.admin)
    let latest: PrincipalLedgerRecord | undefined
    for (const r of records) if (r.key === ledgerKey(environment) && r.value?.environment === environment) latest = r.value
    return {
      principals: [...(latest?.principals ?? [])].sort(),
      credentials: latest?.credentials ?? {},
      quotaEntities: [...(latest?.quotaEntities ?? [])].sort(),
    }
  }

  /** Replaces the environment's record (no write when it is unchanged). */
  async write(environment: string, next: LedgerState, previous: LedgerState): Promise<void> {
    const text = canonical(next)
    if (text === canonical(previous)) return
    await this.log.ensure(this.admin)
    await this.log.append(ledgerKey(environment), {environment, ...(JSON.parse(text) as LedgerState), at: new Date().toISOString()})
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

import type {Admin, Kafka} from 'kafkajs'
import {InternalLog} from './internal-log.js'

export const PRINCIPAL_LEDGER_TOPIC = '_streamctl_principals'

/** The latest record per environment: the principals whose ACLs that environment's manifests own. */
export interface PrincipalLedgerRecord {
  readonly environment: string
  readonly principals: readonly string[]
  readonly at: string
}

/**
 * Which principals an environment has applied ACLs for, kept in Kafka so that a Service removed
 * from the manifests stays in the prune scope: its ACLs are deleted by the next apply, and only
 * then is the principal released. One record per environment in a compacted topic (the key is
 * the environment), so the topic stays as small as the number of environments.
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

  /** The environment's recorded principals; empty when nothing was ever recorded (the topic is not created by reading). */
  async read(environment: string): Promise<string[]> {
    if (!(await this.exists())) return []
    const records = await this.log.readAll(this.admin)
    let latest: PrincipalLedgerRecord | undefined
    for (const r of records) if (r.key === ledgerKey(environment) && r.value?.environment === environment) latest = r.value
    return [...(latest?.principals ?? [])].sort()
  }

  /** Replaces the environment's record (no write when it is unchanged). */
  async write(environment: string, principals: Iterable<string>, previous: readonly string[]): Promise<void> {
    const next = [...new Set(principals)].sort()
    if (next.length === previous.length && next.every((p, i) => p === previous[i])) return
    await this.log.ensure(this.admin)
    await this.log.append(ledgerKey(environment), {environment, principals: next, at: new Date().toISOString()})
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

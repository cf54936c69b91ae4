import {Flags} from '@oclif/core'
import type {AuditRecord} from '../apply/audit.js'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags, withBootstrap, loadDesired} from '../cli/environment.js'

export default class HistoryCommand extends BaseCommand {
  static override description = "List the audit trail of applies to an environment (who, when, plan digest, result)"

  static override examples = ['<%= config.bin %> history -e prod', '<%= config.bin %> history -e prod --limit 5 --json']

  static override flags = {
    ...manifestFlags,
    ...connectFlags,
    limit: Flags.integer({description: 'show only the newest N records', min: 1}),
  }

  async run(): Promise<{records: AuditRecord[]}> {
    const {flags} = await this.parse(HistoryCommand)
    const desired = await loadDesired(flags.file, flags.env)
    const {connectEnvironment} = await import('../reconcile/target.js')
    const {AuditLog} = await import('../apply/audit.js')
    const target = await connectEnvironment(withBootstrap(desired.environment, flags.bootstrap), {start: !flags['no-start']})
    const admin = await target.connectAdmin()
    try {
      const all = await new AuditLog(target.kafka, admin).list(desired.environment.name)
      const records = flags.limit ? all.slice(-flags.limit) : all
      if (records.length === 0) this.out(`No applies recorded for ${desired.environment.name}.`)
      for (const r of records) {
        const counts = `${r.actions.done}/${r.actions.total} done${r.actions.failed ? `, ${r.actions.failed} failed` : ''}`
        this.out(`${r.at}  ${r.result.padEnd(10)}  ${r.user}@${r.host}  plan ${r.planDigest.replace('sha256:', '').slice(0, 12)}  ${counts}${r.error ? `  error: ${r.error}` : ''}`)
      }
      return {records}
    } finally {
      await admin.disconnect()
      await target.close()
    }
  }
}

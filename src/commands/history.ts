import {Flags} from '@oclif/core'
import type {AppliedEntry} from '../apply/audit.js'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags, withBootstrap, loadDesired} from '../cli/environment.js'

export default class HistoryCommand extends BaseCommand {
  static override description = 'List the audit trail of applies to an environment: who, when, plan digest, result, and the actions applied'

  static override examples = ['<%= config.bin %> history -e prod', '<%= config.bin %> history -e prod --limit 5 --json', '<%= config.bin %> history -e prod --actions 0']

  static override flags = {
    ...manifestFlags,
    ...connectFlags,
    limit: Flags.integer({description: 'show only the newest N applies', min: 1}),
    actions: Flags.integer({description: 'list at most N actions per apply (all of them with --json)', min: 0, default: 50}),
  }

  async run(): Promise<{records: AppliedEntry[]}> {
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
      for (const r of records) for (const line of historyLines(r, flags.actions)) this.out(line)
      return {records}
    } finally {
      await admin.disconnect()
      await target.close()
    }
  }
}

/** One apply: its start line, the actions it applied (up to `maxActions`), and how it ended. */
export function historyLines(r: AppliedEntry, maxActions: number): string[] {
  const counts = `${r.actions.done}/${r.actions.total} done${r.actions.failed ? `, ${r.actions.failed} failed` : ''}`
  const who = `${r.user}@${r.host}${r.pid !== undefined ? ` pid ${r.pid}` : ''}`
  const lines = [`${r.at}  ${r.result.padEnd(11)}  ${who}  plan ${r.planDigest.replace('sha256:', '').slice(0, 12)}  ${counts}`]
  for (const a of r.applied.slice(0, maxActions)) lines.push(`    ${a.outcome.padEnd(8)} ${a.id}${a.error ? `  (${a.error})` : ''}`)
  if (r.applied.length > maxActions) lines.push(`    … ${r.applied.length - maxActions} more action(s) (--actions N, or --json for all)`)
  if (r.endedAt) lines.push(`    ended ${r.endedAt}: ${r.result}${r.error ? ` — ${r.error}` : ''}`)
  else lines.push('    no end record yet: still running, or killed (the next apply or `streamctl unlock` records its end)')
  return lines
}

import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags, withBootstrap, loadDesired} from '../cli/environment.js'

export default class UnlockCommand extends BaseCommand {
  static override description = "Break a stale apply lock left by a killed apply (the lock is the cluster's, shared by every environment on it; check `history` and running CI jobs first)"

  static override flags = {...manifestFlags, ...connectFlags}

  async run(): Promise<{lock: string; brokenHolder: unknown; interrupted: string[]}> {
    const {flags} = await this.parse(UnlockCommand)
    const desired = await loadDesired(flags.file, flags.env)
    const {connectEnvironment} = await import('../reconcile/target.js')
    const {ClusterLock} = await import('../apply/lock.js')
    const {AuditLog} = await import('../apply/audit.js')
    const target = await connectEnvironment(withBootstrap(desired.environment, flags.bootstrap), {start: !flags['no-start']})
    const admin = await target.connectAdmin()
    try {
      const lock = await ClusterLock.forCluster(target.kafka, admin, {command: 'unlock', environment: desired.environment.name})
      const name = lock.lockName
      const current = await lock.current()
      const live = current !== null && current.expiresAt > Date.now()
      await lock.breakLock()
      const h = current?.holder
      this.out(live && h
        ? `Broke the lock "${name}" held by ${h.user}@${h.host} pid ${h.pid}${h.environment ? ` (environment ${h.environment})` : ''} (lease until ${new Date(current.expiresAt).toISOString()}).`
        : `The lock "${name}" was not held; recorded a break anyway.`)
      // The applies the broken lock protected can no longer be running: record their end.
      const closed = await new AuditLog(target.kafka, admin).closeInterrupted(lock.clusterId ?? '', 'its lock was broken by `streamctl unlock`')
      for (const a of closed) this.out(`Recorded the end of the interrupted apply started ${a.at} by ${a.user}@${a.host}${a.pid !== undefined ? ` pid ${a.pid}` : ''} (environment ${a.environment}, ${a.actions.done} action(s) done).`)
      return {lock: name, brokenHolder: live ? current.holder : null, interrupted: closed.map((a) => a.applyId)}
    } finally {
      await admin.disconnect()
      await target.close()
    }
  }
}

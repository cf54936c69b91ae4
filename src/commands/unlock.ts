import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags, withBootstrap, loadDesired} from '../cli/environment.js'

export default class UnlockCommand extends BaseCommand {
  static override description = 'Break a stale apply lock left by a killed apply (check `history` and running CI jobs first)'

  static override flags = {...manifestFlags, ...connectFlags}

  async run(): Promise<{lock: string; brokenHolder: unknown}> {
    const {flags} = await this.parse(UnlockCommand)
    const desired = await loadDesired(flags.file, flags.env)
    const {connectEnvironment} = await import('../reconcile/target.js')
    const {ClusterLock} = await import('../apply/lock.js')
    const target = await connectEnvironment(withBootstrap(desired.environment, flags.bootstrap), {start: !flags['no-start']})
    const admin = await target.connectAdmin()
    try {
      const name = `apply/${desired.environment.name}`
      const lock = new ClusterLock(target.kafka, admin, name, {command: 'unlock'})
      const current = await lock.current()
      const live = current !== null && current.expiresAt > Date.now()
      await lock.breakLock()
      this.out(live
        ? `Broke the lock "${name}" held by ${current.holder.user}@${current.holder.host} pid ${current.holder.pid} (lease until ${new Date(current.expiresAt).toISOString()}).`
        : `The lock "${name}" was not held; recorded a break anyway.`)
      return {lock: name, brokenHolder: live ? current.holder : null}
    } finally {
      await admin.disconnect()
      await target.close()
    }
  }
}

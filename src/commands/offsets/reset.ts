import {Flags} from '@oclif/core'
import {createInterface} from 'node:readline/promises'
import {BaseCommand, manifestFlags} from '../../cli/base-command.js'
import {StreamctlError} from '../../errors.js'
import {createKafka} from '../../operations/connection.js'
import {ResetTargetError, describeTarget, formatResetPlan, parseResetTarget} from '../../operations/offsets-plan.js'
import {executeOffsetReset, planOffsetReset, refuseActiveGroup, type OffsetResetPlan} from '../../operations/offsets.js'
import {resolveJobConnection} from '../../operations/resolve-connection.js'

export default class OffsetsReset extends BaseCommand {
  static override description = 'Rewind or fast-forward a consumer group: shows the plan, and writes it with --execute'

  static override examples = [
    '<%= config.bin %> offsets reset --group billing --topic orders --to earliest -e dev',
    '<%= config.bin %> offsets reset --group billing --to 2026-11-25T10:00:00Z --execute --yes -e dev',
    '<%= config.bin %> offsets reset --group billing --to shift:-100 --execute -e dev',
  ]

  static override flags = {
    ...manifestFlags,
    group: Flags.string({description: 'consumer group id', required: true}),
    topic: Flags.string({description: 'only this topic (default: every topic the group has offsets for)'}),
    to: Flags.string({description: 'earliest | latest | <ISO datetime> | offset:N (or N) | shift:±N', required: true}),
    execute: Flags.boolean({description: 'write the plan (default: show it only)', default: false, exclusive: ['dry-run']}),
    'dry-run': Flags.boolean({description: 'show the plan only (the default)', default: false}),
    yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation', default: false}),
    force: Flags.boolean({description: 'try even while the group has active members (Kafka will normally refuse)', default: false}),
    bootstrap: Flags.string({description: 'host:port[,host:port] instead of -e'}),
  }

  async run(): Promise<OffsetResetPlan & {executed: boolean}> {
    const {flags} = await this.parse(OffsetsReset)
    let target
    try {
      target = parseResetTarget(flags.to)
    } catch (err) {
      if (err instanceof ResetTargetError) throw new StreamctlError('USAGE', err.message, {hint: 'use earliest, latest, an ISO datetime (2026-11-25T10:00:00Z), offset:N or shift:±N'})
      throw err
    }
    const connection = await resolveJobConnection({bootstrap: flags.bootstrap, env: flags.env, files: flags.file})
    const kafka = createKafka(connection, 'streamctl-offsets')
    const plan = await planOffsetReset(kafka, flags.group, flags.topic, target)
    this.out(`reset group ${flags.group} to ${describeTarget(target)} (${plan.group.state}, ${plan.group.members} member(s))`)
    this.out(formatResetPlan(plan.rows))
    refuseActiveGroup(plan, flags.force)
    if (!flags.execute) {
      this.out('dry run: nothing written (pass --execute to apply this plan)')
      return {...plan, executed: false}
    }
    if (!flags.yes) {
      if (!process.stdin.isTTY || this.jsonEnabled()) {
        throw new StreamctlError('USAGE', 'refusing to reset offsets without confirmation: no terminal to ask', {hint: 'review the plan above and pass --yes'})
      }
      const rl = createInterface({input: process.stdin, output: process.stderr})
      const answer = await rl.question(`Write these offsets for group ${flags.group}? (yes/no) `)
      rl.close()
      if (answer.trim().toLowerCase() !== 'yes') {
        this.out('cancelled: nothing written')
        return {...plan, executed: false}
      }
    }
    await executeOffsetReset(kafka, plan, flags.force)
    this.out(`offsets of group ${flags.group} written`)
    return {...plan, executed: true}
  }
}

import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../../cli/base-command.js'
import {createKafka, unreachable} from '../../operations/connection.js'
import {formatLagTable} from '../../operations/offsets-plan.js'
import {showOffsets, type OffsetsShowResult} from '../../operations/offsets.js'
import {resolveJobConnection} from '../../operations/resolve-connection.js'

export default class OffsetsShow extends BaseCommand {
  static override description = 'Show the committed offsets and lag per partition of a consumer group'

  static override examples = ['<%= config.bin %> offsets show --group billing -e dev', '<%= config.bin %> offsets show --group billing --topic orders --bootstrap 127.0.0.1:9092 --json']

  static override flags = {
    ...manifestFlags,
    group: Flags.string({description: 'consumer group id', required: true}),
    topic: Flags.string({description: 'only this topic (default: every topic the group has offsets for)'}),
    bootstrap: Flags.string({description: 'host:port[,host:port] instead of -e'}),
  }

  async run(): Promise<OffsetsShowResult> {
    const {flags} = await this.parse(OffsetsShow)
    const connection = await resolveJobConnection({bootstrap: flags.bootstrap, env: flags.env, files: flags.file})
    const result = await showOffsets(createKafka(connection, 'streamctl-offsets'), flags.group, flags.topic).catch((err) => {
      throw err?.name === 'KafkaJSConnectionError' || err?.name === 'KafkaJSNumberOfRetriesExceeded' ? unreachable(connection, err) : err
    })
    this.out(`group ${result.group.group}: ${result.group.state}, ${result.group.members} member(s), total lag ${result.totalLag}`)
    this.out(formatLagTable(result.partitions))
    return result
  }
}

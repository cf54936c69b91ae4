import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {devLogs, type DevLogs, DEFAULT_DATA_DIR} from '../../dev/index.js'

export default class DevLogsCommand extends BaseCommand {
  static override description = "Print the end of each dev cluster node's Kafka log"

  static override flags = {
    'data-dir': Flags.string({description: 'where the dev cluster keeps its data, logs and state', default: DEFAULT_DATA_DIR, env: 'STREAMCTL_DEV_DATA_DIR'}),
    node: Flags.integer({description: 'only this node id'}),
    tail: Flags.integer({description: 'number of lines per node', default: 50}),
    connect: Flags.boolean({description: "the Kafka Connect worker's log instead of the nodes'", exclusive: ['node']}),
  }

  async run(): Promise<DevLogs> {
    const {flags} = await this.parse(DevLogsCommand)
    const result = await devLogs({dataDir: flags['data-dir'], node: flags.node, tail: flags.tail, connect: flags.connect})
    if (result.connect) this.out(result.connect.text)
    for (const n of result.nodes) {
      if (result.nodes.length > 1) this.out(`==> node ${n.id}: ${n.logFile} <==`)
      this.out(n.text)
    }
    return result
  }
}

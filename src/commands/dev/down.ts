import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {devDown, type DevDownResult, DEFAULT_DATA_DIR} from '../../dev/index.js'

export default class DevDown extends BaseCommand {
  static override description = 'Stop the dev cluster (controlled shutdown, then kill after a timeout); data is kept'

  static override flags = {
    'data-dir': Flags.string({description: 'where the dev cluster keeps its data, logs and state', default: DEFAULT_DATA_DIR, env: 'STREAMCTL_DEV_DATA_DIR'}),
    timeout: Flags.integer({description: 'seconds to wait for a controlled shutdown before killing', default: 30}),
  }

  async run(): Promise<DevDownResult> {
    const {flags} = await this.parse(DevDown)
    const result = await devDown({dataDir: flags['data-dir'], graceMs: flags.timeout * 1000})
    if (result.nodes.length === 0) this.out(`no dev cluster in ${result.dataDir}`)
    for (const n of result.nodes) this.out(`node ${n.id}: ${n.result}`)
    if (result.registry) this.out(`registry: ${result.registry}`)
    if (result.connect) this.out(`connect: ${result.connect}`)
    return result
  }
}

import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {devReset, DEFAULT_DATA_DIR} from '../../dev/index.js'

export default class DevReset extends BaseCommand {
  static override description = 'Stop the dev cluster and wipe its data, certificates and state'

  static override flags = {'data-dir': Flags.string({description: 'where the dev cluster keeps its data, logs and state', default: DEFAULT_DATA_DIR, env: 'STREAMCTL_DEV_DATA_DIR'})}

  async run(): Promise<{dataDir: string; removed: boolean}> {
    const {flags} = await this.parse(DevReset)
    const result = await devReset({dataDir: flags['data-dir']})
    this.out(result.removed ? `wiped ${result.dataDir}` : `nothing to wipe in ${result.dataDir}`)
    return result
  }
}

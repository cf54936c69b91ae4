import {BaseCommand} from '../cli/base-command.js'

export default class Version extends BaseCommand {
  static override description = 'Print the streamctl and Node.js versions'

  async run(): Promise<{streamctl: string; node: string}> {
    await this.parse(Version)
    const result = {streamctl: this.config.version, node: process.version}
    this.out(`streamctl ${result.streamctl} (node ${result.node})`)
    return result
  }
}

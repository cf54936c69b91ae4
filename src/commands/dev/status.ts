import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {devStatus, readCredentials, type DevClusterInfo, DEFAULT_DATA_DIR} from '../../dev/index.js'
import {nodeLines, summaryLines} from '../../dev/render.js'

export default class DevStatus extends BaseCommand {
  static override description = 'Show whether each node of the dev cluster (and its Connect worker, when enabled) is up (exit 0 when all are, 1 otherwise)'

  static override flags = {
    'data-dir': Flags.string({description: 'where the dev cluster keeps its data, logs and state', default: DEFAULT_DATA_DIR, env: 'STREAMCTL_DEV_DATA_DIR'}),
    'show-secrets': Flags.boolean({description: 'also print the admin user and password of a --secure cluster'}),
  }

  async run(): Promise<DevClusterInfo & {adminPassword?: string}> {
    const {flags} = await this.parse(DevStatus)
    const info = await devStatus({dataDir: flags['data-dir']})
    for (const l of nodeLines(info)) this.out(l)
    for (const l of summaryLines(info)) this.out(l)
    let adminPassword: string | undefined
    if (flags['show-secrets'] && info.credentialsFile) {
      const c = readCredentials(info.credentialsFile)
      adminPassword = c.password.reveal()
      this.out(`username: ${c.username}`)
      this.out(`password: ${adminPassword}`)
    }
    // A worker that should run counts like a node: scripts wait on this exit code.
    if (!info.allUp || (info.connect?.enabled && !info.connect.up)) process.exitCode = 1
    return adminPassword === undefined ? info : {...info, adminPassword}
  }
}

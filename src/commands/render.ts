import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'

export default class Render extends BaseCommand {
  static override description = 'Print the resolved desired state of one environment (secrets redacted)'
  static override examples = ['<%= config.bin %> render -f manifests/examples -e local', '<%= config.bin %> render -e prod --format json']
  static override flags = {
    ...manifestFlags,
    format: Flags.string({description: 'output format', options: ['yaml', 'json'], default: 'yaml'}),
  }

  async run(): Promise<unknown> {
    const {flags} = await this.parse(Render)
    const {loadManifests} = await import('../manifest/load-manifests.js')
    const {resolveEnvironmentWithWarnings} = await import('../manifest/resolve-environment.js')
    const {desiredToPlain, renderDesired} = await import('../manifest/render-desired.js')
    const {formatDiagnostic} = await import('../errors.js')
    const set = await loadManifests(flags.file)
    const {desired, warnings} = resolveEnvironmentWithWarnings(set, flags.env, {offline: true})
    if (!this.jsonEnabled()) for (const w of warnings) process.stderr.write(formatDiagnostic(w) + '\n')
    this.out(renderDesired(desired, flags.format as 'yaml' | 'json'))
    return desiredToPlain(desired)
  }
}

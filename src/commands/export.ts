import {mkdir, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags, loadDesired} from '../cli/environment.js'

export default class ExportCommand extends BaseCommand {
  static override description = 'Write manifests from a live cluster: topics with their non-default configs, ACLs folded into Services'

  static override examples = [
    '<%= config.bin %> export -e local -o exported/',
    '<%= config.bin %> export --bootstrap 127.0.0.1:9092 --env-name legacy -o legacy/',
  ]

  static override flags = {
    ...manifestFlags,
    ...connectFlags,
    out: Flags.string({char: 'o', description: 'directory to write environment.yaml, topics.yaml, services.yaml, acls.yaml, users.yaml, quotas.yaml, schemas.yaml (with each schema in schemas/<subject>.avsc|.json|.proto), connectors.yaml, policy.yaml (default: print)'}),
    bootstrap: Flags.string({description: 'export from host:port[,host:port] without manifests'}),
    'env-name': Flags.string({description: 'name of the exported Environment with --bootstrap', default: 'exported'}),
    users: Flags.boolean({description: 'export SCRAM users (each reads its password from an env var it names: Kafka never returns passwords); --no-users leaves them out', default: true, allowNo: true}),
  }

  async run(): Promise<{files: {name: string; content: string}[]}> {
    const {flags} = await this.parse(ExportCommand)
    const {adHocEnvironment, connectEnvironment} = await import('../reconcile/target.js')
    const environment = flags.bootstrap
      ? adHocEnvironment(flags.bootstrap.split(','), flags['env-name'])
      : (await loadDesired(flags.file, flags.env)).environment
    const {exportState} = await import('../export/export-state.js')
    const {exportFiles} = await import('../export/write-yaml.js')
    const {TOPIC_DEFAULTS, observeLive} = await import('../reconcile/plan-environment.js')
    const {exportLiveConnectors} = await import('../connect/export-live.js')
    const target = await connectEnvironment(environment, {start: !flags['no-start']})
    try {
      const observed = await observeLive(target)
      // Into a directory, each schema gets a file of its own beside the manifests; printed, they stay inline.
      const exported = {...exportState(observed, environment, TOPIC_DEFAULTS, {users: flags.users, connection: target.connection, schemaFiles: flags.out !== undefined}), ...await exportLiveConnectors(environment, !flags['no-start'])}
      const files = exportFiles(exported, `streamctl export (${environment.name})`)
      if (flags.out) {
        await mkdir(flags.out, {recursive: true})
        for (const f of files) {
          await mkdir(dirname(join(flags.out, f.name)), {recursive: true})
          await writeFile(join(flags.out, f.name), f.content)
        }
        this.out(`exported ${exported.topics.length} topic(s), ${exported.services.length} service(s), ${exported.acls.length} raw ACL principal(s), ${exported.users.length} user(s), ${exported.quotas.length} quota entit(ies), ${exported.schemas.length} subject(s)${exported.schemaFiles.length ? ` (${exported.schemaFiles.length} schema file(s) in schemas/)` : ''}${exported.connectors ? `, ${exported.connectors.length} connector(s)` : ''}${exported.policies.length ? ', a Policy relaxing the lint rules the cluster breaks' : ''} to ${flags.out}: ${files.map((f) => f.name).join(', ')}`)
      } else {
        this.out(files.map((f) => f.content).join('---\n'))
      }
      return {files}
    } finally {
      await target.close()
    }
  }
}

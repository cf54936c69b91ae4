import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {StreamctlError} from '../errors.js'
import {jobRunFlags, jobRunOptions} from '../cli/job-run-flags.js'
import {TransformError, parseDeclarativeFlags} from '../operations/declarative-transform.js'
import {declaredFormats} from '../operations/declared-topics.js'
import {PARTITIONERS, formatMigrateReport, migrate, type MigrateReport} from '../operations/migrate.js'
import {interruptSignal, withProgress} from '../operations/progress-view.js'
import {loadDesired, resolveJobConnection, resolveRegistry} from '../operations/resolve-connection.js'
import {DATA_FORMATS, parseDataFormat} from '../operations/value-format.js'
import {REGISTRY_FORMATS, type RegistryFormat} from '../operations/registry-value-codec.js'

export default class Migrate extends BaseCommand {
  static override description = 'Copy a topic within or across clusters, with an optional filter, transformation and dead-letter topic (exactly once)'

  static override examples = [
    '<%= config.bin %> migrate --from orders --to orders.v2 --rename amount=total --cast total=float --drop internal -e dev',
    '<%= config.bin %> migrate --from orders --to orders --from-env staging --to-env dev --transform ./upgrade.js --dead-letter orders.dlq',
    '<%= config.bin %> migrate --from orders --to paid --value-format json --filter "value.status === \'paid\'" --bootstrap 127.0.0.1:9092',
  ]

  static override flags = {
    ...manifestFlags,
    ...jobRunFlags,
    from: Flags.string({description: 'source topic', required: true}),
    to: Flags.string({description: 'target topic (created from the source configs when absent)', required: true}),
    'from-env': Flags.string({description: 'source environment (default: -e)'}),
    'to-env': Flags.string({description: 'target environment (default: -e)'}),
    bootstrap: Flags.string({description: 'host:port of both source and target, instead of -e'}),
    'from-bootstrap': Flags.string({description: 'host:port of the source cluster'}),
    'to-bootstrap': Flags.string({description: 'host:port of the target cluster'}),
    transform: Flags.string({description: 'module exporting transform(record) → record | record[] | null'}),
    rename: Flags.string({description: 'rename a field: old=new (repeatable; dots for nesting)', multiple: true}),
    drop: Flags.string({description: 'drop a field (repeatable)', multiple: true}),
    default: Flags.string({description: 'default for a missing/null field: field=value (JSON or text; repeatable)', multiple: true}),
    cast: Flags.string({description: 'cast a field: field=int|float|string|bool|json (repeatable)', multiple: true}),
    filter: Flags.string({description: "keep records where this JS expression over value/key/headers is true, or a module exporting filter(record)"}),
    'dead-letter': Flags.string({description: 'topic (on the target cluster) for records that fail, the error in headers'}),
    partitions: Flags.integer({description: 'partition count of the target when it is created (refused when an existing target has another)', min: 1}),
    partitioner: Flags.string({description: 'preserve: each record keeps its source partition; murmur2: Kafka\'s default partitioner on the output key (default: preserve when the partition counts match, else murmur2)', options: [...PARTITIONERS]}),
    'value-format': Flags.string({description: `what a filter/transform gets as value: ${DATA_FORMATS.join('|')}, or a registry-decoded object (${REGISTRY_FORMATS.join('|')}; Confluent wire format) re-encoded with --to-subject/--to-schema-id or the writer's schema (default: json when the source topic declares a JSON schema, else bytes)`}),
    'key-format': Flags.string({description: `what a filter/transform gets as key: ${DATA_FORMATS.join('|')} (default: json when the source topic declares a JSON key schema, else bytes)`}),
    'to-schema-id': Flags.integer({description: 'schema upgrade: re-encode values with this registry schema id', exclusive: ['to-subject']}),
    'to-subject': Flags.string({description: 'schema upgrade: re-encode values with the latest schema of this subject'}),
    registry: Flags.string({description: 'schema registry URL for the upgrade (default: the target environment\'s registry)'}),
    // Registry formats (schema-upgrade.ts); the bytes|text|json formats are decoded by the record stage.
    follow: Flags.boolean({description: 'keep running after the end offsets captured at start', default: false}),
    job: Flags.string({description: 'job name (consumer group, transactional ids, checkpoints); rerun with the same name to resume'}),
  }

  async run(): Promise<MigrateReport> {
    const {flags} = await this.parse(Migrate)
    let declarative
    try {
      declarative = parseDeclarativeFlags({rename: flags.rename, drop: flags.drop, default: flags.default, cast: flags.cast})
    } catch (err) {
      if (err instanceof TransformError) throw new StreamctlError('USAGE', err.message, {hint: 'e.g. --rename old=new --cast amount=float --default currency=EUR'})
      throw err
    }
    const source = await resolveJobConnection({bootstrap: flags['from-bootstrap'] ?? flags.bootstrap, env: flags['from-env'] ?? (flags['from-bootstrap'] ? undefined : flags.env), files: flags.file, flag: '--from-bootstrap'})
    const target = await resolveJobConnection({bootstrap: flags['to-bootstrap'] ?? flags.bootstrap, env: flags['to-env'] ?? (flags['to-bootstrap'] ? undefined : flags.env), files: flags.file, flag: '--to-bootstrap'})
    const registryFormat = (REGISTRY_FORMATS as readonly string[]).includes(flags['value-format'] ?? '') ? flags['value-format'] as RegistryFormat : undefined
    const upgrading = flags['to-schema-id'] !== undefined || flags['to-subject'] !== undefined || registryFormat !== undefined
    const schemaUpgrade = upgrading
      ? {registry: await resolveRegistry({url: flags.registry, env: flags['to-env'] ?? flags.env, files: flags.file}), toSchemaId: flags['to-schema-id'], toSubject: flags['to-subject'], format: registryFormat}
      : undefined
    const sourceEnv = flags['from-env'] ?? (flags['from-bootstrap'] || flags.bootstrap ? undefined : flags.env)
    const declared = sourceEnv ? declaredFormats(await loadDesired(flags.file, sourceEnv), flags.from) : {}
    const valueFormat = (registryFormat ? undefined : parseDataFormat(flags['value-format'], '--value-format')) ?? (schemaUpgrade ? undefined : declared.value)
    const keyFormat = parseDataFormat(flags['key-format'], '--key-format') ?? declared.key
    const {signal, dispose} = interruptSignal(process)
    try {
      const report = await withProgress(`migrate ${flags.from} → ${flags.to}`, process.stderr, !this.jsonEnabled(), (onEvent) =>
        migrate({
          ...jobRunOptions(flags),
          from: flags.from, to: flags.to, source, target, transformModule: flags.transform, declarative, filter: flags.filter,
          deadLetter: flags['dead-letter'], partitions: flags.partitions, schemaUpgrade, follow: flags.follow, job: flags.job, signal, onEvent,
          partitioner: flags.partitioner as MigrateReport['partitioner'] | undefined, valueFormat, keyFormat,
        }))
      this.out(formatMigrateReport(report, source.label, target.label))
      return report
    } catch (err) {
      throw err instanceof StreamctlError ? err : new StreamctlError('JOB_FAILED', `migrate failed: ${(err as Error).message}`, {cause: err, hint: 'rerun the same command to resume from the last committed batch'})
    } finally {
      dispose()
    }
  }
}

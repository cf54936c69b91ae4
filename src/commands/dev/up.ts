import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {DEFAULT_KAFKA_VERSION, MAX_DEV_BROKERS, devUp, type DevUpResult, DEFAULT_DATA_DIR} from '../../dev/index.js'
import {nodeLines, summaryLines} from '../../dev/render.js'

export default class DevUp extends BaseCommand {
  static override description = 'Start (or create) the local Apache Kafka dev cluster; restarts only nodes that are down'
  static override examples = ['<%= config.bin %> dev up', '<%= config.bin %> dev up --brokers 3 --secure', '<%= config.bin %> dev up --connect', '<%= config.bin %> dev up --brokers 5 --racks a,b,c', '<%= config.bin %> dev up --kafka-version 3.9.1 --data-dir /tmp/k39']

  static override flags = {
    'data-dir': Flags.string({description: 'where the dev cluster keeps its data, logs and state', default: DEFAULT_DATA_DIR, env: 'STREAMCTL_DEV_DATA_DIR'}),
    brokers: Flags.integer({description: `number of nodes, 1 to ${MAX_DEV_BROKERS} (nodes 1-3 are combined broker+controller, later ones broker-only); default 1 for a new cluster`, min: 1, max: MAX_DEV_BROKERS}),
    racks: Flags.string({description: 'comma-separated rack names for a new cluster: broker.rack goes round-robin over them (e.g. a,b,c)'}),
    secure: Flags.boolean({description: 'SCRAM-SHA-512 over SASL_PLAINTEXT and SASL_SSL, with ACLs enforced', allowNo: true}),
    'kafka-version': Flags.string({description: `Apache Kafka release for a new cluster (default ${DEFAULT_KAFKA_VERSION})`}),
    port: Flags.integer({description: 'client port of the first broker (default: a free port)', min: 1, max: 65535}),
    heap: Flags.string({description: 'max heap per node (java -Xmx)', default: '512m'}),
    timeout: Flags.integer({description: 'seconds to wait until the cluster is ready'}),
    registry: Flags.boolean({description: 'also start the dev schema registry (default: on, remembered per cluster)', allowNo: true}),
    'registry-port': Flags.integer({description: 'port of the dev schema registry', min: 1, max: 65535}),
    connect: Flags.boolean({description: 'also start a Kafka Connect distributed worker (default: off, remembered per cluster)', allowNo: true}),
    'connect-port': Flags.integer({description: 'REST port of the Connect worker, on 127.0.0.1 (default: a free port, kept)', min: 1, max: 65535}),
    'connect-heap': Flags.string({description: 'max heap of the Connect worker (java -Xmx; default 512m, remembered)'}),
  }

  async run(): Promise<DevUpResult> {
    const {flags} = await this.parse(DevUp)
    const racks = flags.racks === undefined ? undefined : flags.racks.split(',').map((r) => r.trim())
    if (racks && (racks.some((r) => !/^[A-Za-z0-9._-]+$/.test(r)) || new Set(racks).size !== racks.length)) {
      this.error(`--racks ${flags.racks}: distinct rack names of letters, digits, '.', '_' or '-', separated by commas`, {exit: 2})
    }
    const result = await devUp({
      dataDir: flags['data-dir'],
      brokers: flags.brokers,
      racks,
      secure: flags.secure,
      kafkaVersion: flags['kafka-version'],
      port: flags.port,
      heap: flags.heap,
      timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000,
      registry: flags.registry,
      registryPort: flags['registry-port'],
      connect: flags.connect,
      connectPort: flags['connect-port'],
      connectHeap: flags['connect-heap'],
      onEvent: (e) => { if (!this.jsonEnabled()) process.stderr.write(`${e.message}\n`) },
    })
    if (result.startedNodes.length === 0 && !result.startedConnect) this.out('dev cluster already running')
    for (const l of nodeLines(result)) this.out(l)
    for (const l of summaryLines(result)) this.out(l)
    return result
  }
}

import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {DEFAULT_KAFKA_VERSION, DEV_CONNECT_VERSION, fetchConnect, fetchKafka} from '../../dev/index.js'

export default class DevFetch extends BaseCommand {
  static override description = 'Resolve the Apache Kafka (and with --connect the Kafka Connect) jars with Maven into the cache (CI warms it with this)'

  static override flags = {
    'kafka-version': Flags.string({description: 'Apache Kafka release', default: DEFAULT_KAFKA_VERSION}),
    connect: Flags.boolean({description: `also the Kafka Connect ${DEV_CONNECT_VERSION} worker's jars (dev up --connect)`}),
  }

  async run(): Promise<{kafkaVersion: string; libDir: string; fetched: boolean; connect?: {version: string; libDir: string; fetched: boolean}}> {
    const {flags} = await this.parse(DevFetch)
    const r = await fetchKafka(flags['kafka-version'])
    this.out(`${r.fetched ? 'fetched' : 'already cached'}: Apache Kafka ${flags['kafka-version']} in ${r.libDir}`)
    if (!flags.connect) return {kafkaVersion: flags['kafka-version'], ...r}
    const c = await fetchConnect()
    this.out(`${c.fetched ? 'fetched' : 'already cached'}: Kafka Connect ${DEV_CONNECT_VERSION} in ${c.libDir}`)
    return {kafkaVersion: flags['kafka-version'], ...r, connect: {version: DEV_CONNECT_VERSION, ...c}}
  }
}

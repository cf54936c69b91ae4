import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {DEFAULT_KAFKA_VERSION, fetchKafka} from '../../dev/index.js'

export default class DevFetch extends BaseCommand {
  static override description = 'Resolve the Apache Kafka jars with Maven into the cache (CI warms it with this)'

  static override flags = {
    'kafka-version': Flags.string({description: 'Apache Kafka release', default: DEFAULT_KAFKA_VERSION}),
  }

  async run(): Promise<{kafkaVersion: string; libDir: string; fetched: boolean}> {
    const {flags} = await this.parse(DevFetch)
    const r = await fetchKafka(flags['kafka-version'])
    this.out(`${r.fetched ? 'fetched' : 'already cached'}: Apache Kafka ${flags['kafka-version']} in ${r.libDir}`)
    return {kafkaVersion: flags['kafka-version'], ...r}
  }
}

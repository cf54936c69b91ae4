// bench:dev plug-in (see bench/dev.mjs): the admin gateway's describe of 1,000 topics against
// Kafka's own kafka-configs --describe --all on the single-node dev cluster, as a ratio.
// The measurement itself lives in bench/gateway-describe.mjs (also runnable standalone).
import {runBenchGatewayDescribe} from './gateway-describe.mjs'

export default async function ({cluster, kafkaVersion}) {
  const dev = await import('../src/dev/index.ts')
  const {libDir} = await dev.fetchKafka(kafkaVersion)
  const lines = []
  const result = await runBenchGatewayDescribe({
    bootstrap: cluster.bootstrap,
    libDir,
    configsClass: dev.parseKafkaRelease(kafkaVersion).tools.configs,
    topics: Number(process.env.BENCH_GATEWAY_TOPICS ?? 1000),
    log: (line) => lines.push(line),
  })
  return {lines, result}
}

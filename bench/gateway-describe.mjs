// The admin gateway's describe (topics + all configs with sources) of N topics (default 1,000)
// against Kafka's own `ConfigCommand --describe --all --entity-type topics` on the same cluster,
// printed as a ratio. Used by bench/dev.mjs (runBenchGatewayDescribe) or standalone:
//   node --import tsx bench/gateway-describe.mjs --bootstrap 127.0.0.1:9092 --lib <kafka lib dir> [--configs-class C] [--topics 1000]
// It imports the built library (dist/) when present, else the sources (which needs tsx).
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

async function loadCreateGateway() {
  const dist = `${root}dist/cluster/create-gateway.js`
  const mod = existsSync(dist) ? await import(dist) : await import(`${root}src/cluster/create-gateway.ts`)
  return mod.createGateway
}

/**
 * @param {{bootstrap: string[], libDir: string, configsClass?: string, topics?: number, prefix?: string, log?: (s: string) => void}} opts
 * @returns {Promise<{topics: number, gatewayMs: number, gatewayRequests: number, toolMs: number, toolTopics: number, ratio: number}>}
 */
export async function runBenchGatewayDescribe(opts) {
  const log = opts.log ?? console.log
  const n = opts.topics ?? 1000
  const prefix = opts.prefix ?? 'bench.gateway.'
  const configsClass = opts.configsClass ?? 'org.apache.kafka.tools.ConfigCommand'
  const createGateway = await loadCreateGateway()
  const names = Array.from({length: n}, (_, i) => `${prefix}${String(i).padStart(5, '0')}`)

  const setup = createGateway({bootstrap: opts.bootstrap}, {environment: 'bench', timeoutMs: 60_000})
  try {
    const existing = new Set(await setup.listTopics())
    const missing = names.filter((t) => !existing.has(t))
    if (missing.length > 0) {
      log(`creating ${missing.length} topics (1 partition, RF 1, one topic-level config each)`)
      await setup.createTopics(missing.map((name) => ({name, partitions: 1, replicationFactor: 1, config: {'retention.ms': '86400000'}})))
      await new Promise((r) => setTimeout(r, 2000))
    }
  } finally {
    await setup.close()
  }

  // Cold, like a CLI run: a new gateway (connect + ApiVersions) each time; best of 3.
  const runs = []
  let requests = 0
  for (let i = 0; i < 3; i++) {
    const gw = createGateway({bootstrap: opts.bootstrap}, {environment: 'bench', timeoutMs: 60_000})
    const t0 = process.hrtime.bigint()
    const [described, configs] = await Promise.all([gw.describeTopics(names), gw.describeTopicConfigs(names)])
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6)
    requests = gw.stats().requests
    await gw.close()
    if (described.length !== n || configs.size !== n) throw new Error(`gateway described ${described.length}/${configs.size} of ${n} topics`)
  }
  const gatewayMs = Math.min(...runs)

  const t0 = process.hrtime.bigint()
  const r = spawnSync('java', ['-Xmx512m', '-cp', `${opts.libDir}/*`, configsClass, '--bootstrap-server', opts.bootstrap.join(','),
    '--describe', '--all', '--entity-type', 'topics'], {encoding: 'utf8', maxBuffer: 1 << 30})
  const toolMs = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${configsClass} exited ${r.status}: ${r.stderr}`)
  const toolTopics = (r.stdout.match(/^All configs for topic /gm) ?? []).length

  const ratio = toolMs / gatewayMs
  log(`gateway describe of ${n} topics (metadata + all configs with synonyms): ${gatewayMs.toFixed(0)} ms, ${requests} requests`)
  log(`kafka-configs --describe --all --entity-type topics (${toolTopics} topics incl. others on the cluster, JVM start included): ${toolMs.toFixed(0)} ms`)
  log(`ratio kafka-configs / gateway: ${ratio.toFixed(1)}x`)
  return {topics: n, gatewayMs, gatewayRequests: requests, toolMs, toolTopics, ratio}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? process.argv[i + 1] : dflt
  }
  const bootstrap = arg('bootstrap')
  const libDir = arg('lib')
  if (!bootstrap || !libDir) {
    console.error('usage: node --import tsx bench/gateway-describe.mjs --bootstrap host:port --lib <kafka lib dir> [--configs-class C] [--topics N]')
    process.exit(2)
  }
  await runBenchGatewayDescribe({bootstrap: bootstrap.split(','), libDir, configsClass: arg('configs-class'), topics: Number(arg('topics', '1000'))})
}

#!/usr/bin/env node
/* global clearTimeout */
// npm run bench:dev: time from `dev up` to ready (warm Maven cache) for 1 and 3 nodes, a warm
// restart, and peak RSS (VmHWM) per node JVM after a small produce/consume load. Prints a table
// and writes bench/out/dev.json. Every JVM it starts is stopped, also on Ctrl-C.
//
// The admin-gateway part (describe 1,000 topics vs Kafka's kafka-configs --describe --all, as a
// ratio) plugs in as bench/dev-gateway.mjs: export default async function ({cluster, kafkaVersion})
// returning {lines: string[], result: object}. It runs on the single-node cluster when present.
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {register} from 'tsx/esm/api'

register()
const dev = await import('../src/dev/index.ts')
const {Kafka, logLevel} = await import('kafkajs')

const version = process.env.STREAMCTL_KAFKA_VERSION ?? dev.DEFAULT_KAFKA_VERSION
const root = mkdtempSync(join(tmpdir(), 'streamctl-bench-dev-'))
const dirs = []
const cleanup = () => { for (const d of dirs) dev.killClusterSync(d); rmSync(root, {recursive: true, force: true}) }
process.once('SIGINT', () => { cleanup(); process.exit(130) })
process.once('SIGTERM', () => { cleanup(); process.exit(143) })

async function load(info, records) {
  const kafka = new Kafka({...dev.devKafkaJsConfig(info.connection, 'bench-dev'), logLevel: logLevel.NOTHING})
  const topic = 'bench.load'
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic, numPartitions: 6, replicationFactor: info.brokers === 3 ? 3 : 1}], waitForLeaders: true})
  await admin.disconnect()
  const producer = kafka.producer()
  await producer.connect()
  const value = 'x'.repeat(200)
  for (let i = 0; i < records; i += 1000) {
    await producer.send({topic, acks: -1, messages: Array.from({length: 1000}, (_, j) => ({key: String(i + j), value}))})
  }
  await producer.disconnect()
  const consumer = kafka.consumer({groupId: 'bench-dev', maxWaitTimeInMs: 100})
  await consumer.connect()
  await consumer.subscribe({topic, fromBeginning: true})
  let n = 0
  await new Promise((resolve) => {
    const t = setTimeout(resolve, 60_000)
    consumer.run({eachBatch: async ({batch}) => { n += batch.messages.length; if (n >= records) { clearTimeout(t); resolve() } }})
  })
  await consumer.disconnect()
  return n
}

async function benchCluster(brokers, secure) {
  const dataDir = join(root, `b${brokers}${secure ? 's' : ''}`)
  dirs.push(dataDir)
  const t0 = Date.now()
  const up = await dev.devUp({dataDir, brokers, secure, kafkaVersion: version, registry: false})
  const firstUpMs = Date.now() - t0
  const rssReady = up.nodes.map((n) => dev.peakRssKb(n.pid))
  const consumed = await load(up, 20_000)
  const rssLoaded = up.nodes.map((n) => dev.peakRssKb(n.pid))
  const t1 = Date.now()
  await dev.devDown({dataDir})
  const downMs = Date.now() - t1
  const t2 = Date.now()
  const again = await dev.devUp({dataDir})
  const restartMs = Date.now() - t2
  return {brokers, secure, firstUpMs, restartMs, downMs, consumed, rssReadyMb: rssReady.map(mb), peakRssMb: rssLoaded.map(mb), info: again, dataDir}
}

const mb = (kb) => (kb === undefined ? null : Math.round(kb / 1024))

try {
  const f0 = Date.now()
  const fetched = await dev.fetchKafka(version)
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start (other work inflates these times)`)
  console.log(`Apache Kafka ${version}: jars ${fetched.fetched ? `fetched in ${Date.now() - f0} ms` : 'already cached (warm)'}`)
  const results = []
  for (const [brokers, secure] of [[1, false], [3, false]]) {
    const r = await benchCluster(brokers, secure)
    results.push(r)
    console.log(`${brokers} node(s): dev up → ready ${r.firstUpMs} ms (format + start), restart → ready ${r.restartMs} ms, down ${r.downMs} ms; ` +
      `peak RSS per node after ready ${r.rssReadyMb.join('/')} MB, after 20k records ${r.peakRssMb.join('/')} MB`)
  }
  let gateway
  const plugin = new URL('./dev-gateway.mjs', import.meta.url)
  if (existsSync(plugin)) {
    const single = results.find((r) => r.brokers === 1)
    const g = await (await import(plugin.href)).default({cluster: single.info, kafkaVersion: version})
    for (const l of g.lines) console.log(l)
    gateway = g.result
  } else {
    console.log('gateway describe vs kafka-configs: not measured yet (bench/dev-gateway.mjs absent)')
  }
  for (const r of results) await dev.devDown({dataDir: r.dataDir})
  mkdirSync(new URL('./out/', import.meta.url), {recursive: true})
  const out = {kafkaVersion: version, cpus: cpus().length, loadavgAtEnd: loadavg(), at: new Date().toISOString(),
    clusters: results.map(({info: _i, dataDir: _d, ...r}) => r), ...(gateway ? {gateway} : {})}
  writeFileSync(new URL('./out/dev.json', import.meta.url), JSON.stringify(out, null, 2) + '\n')
} finally {
  cleanup()
}

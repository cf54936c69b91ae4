#!/usr/bin/env node
/* global fetch */
// npm run bench:jobs: copy RECORDS (default 1,000,000) records of ~200 bytes on a fresh single-node
// dev cluster with streamctl's repartition and migrate (exactly once, transactional), with the peer
// `kcat -C … | kcat -P …` pipe (at-least-once, no transactions) and with a naive kafkajs
// eachMessage + send loop (capped at NAIVE_SECONDS and extrapolated). After an untimed warm-up, the
// kcat pipe, repartition and migrate run in turns for ROUNDS (default 3) rounds and each one's median
// counts. Then zstd-compressed input copied by migrate and by `kcat -z zstd`, with both outputs'
// size on disk; then Avro values migrated into a v2 schema beside a plain copy. Prints records/s, ratios and the peak RSS of each job process; writes bench/out/jobs.json.
// Every JVM it starts is stopped.
import {execFileSync, spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, createWriteStream} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {register} from 'tsx/esm/api'

register()
const dev = await import('../src/dev/index.ts')
const eosApp = await import('../test/support/kafka-eos-app.ts')
const {Kafka, logLevel, Partitioners} = await import('kafkajs')

const root = fileURLToPath(new URL('..', import.meta.url))
const RECORDS = Number(process.env.RECORDS ?? 1_000_000)
const PARTITIONS = Number(process.env.PARTITIONS ?? 6)
const NAIVE_SECONDS = Number(process.env.NAIVE_SECONDS ?? 20)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
// The re-key by a JSON field compared with Kafka Streams (exactly_once_v2): every round copies all
// RECORDS; STREAMS=0 leaves Kafka Streams out (it needs Maven once for its jars).
const STREAMS = process.env.STREAMS !== '0'
const SMALL_RECORDS = 100
const work = mkdtempSync(join(tmpdir(), 'streamctl-bench-jobs-'))
const dataDir = join(work, 'cluster')
const cleanup = () => { dev.killClusterSync(dataDir); rmSync(work, {recursive: true, force: true}) }
process.once('SIGINT', () => { cleanup(); process.exit(130) })
process.once('SIGTERM', () => { cleanup(); process.exit(143) })

function kcatAvailable() {
  try {
    execFileSync('kcat', ['-V'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {stdio: ['ignore', 'pipe', 'pipe'], ...opts})
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`))))
  })
}

/**
 * One job in its own process, so its peak RSS is its own (getrusage maxrss of that process). It runs
 * the compiled library (dist/, built below), as the CLI does: a TypeScript loader in the process
 * would count its compiler's memory as the job's.
 */
async function jobProcess(kind, options, bootstrap) {
  const code = `
    const {${kind}} = await import(${JSON.stringify(`${root}dist/operations/${kind}.js`)})
    const {bootstrapConnection} = await import(${JSON.stringify(`${root}dist/operations/connection.js`)})
    const c = bootstrapConnection(${JSON.stringify(bootstrap)})
    const o = ${JSON.stringify(options)}
    const report = await ${kind}({...o, connection: c, source: c, target: c})
    process.stdout.write(JSON.stringify({report, maxRssKb: process.resourceUsage().maxRSS}))`
  const t0 = Date.now()
  // JOB_NODE_ARGS: extra node flags for the job process, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof.
  const extra = (process.env.JOB_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const out = await run(process.execPath, [...extra, '--input-type=module', '-e', code], {cwd: root})
  const r = JSON.parse(out)
  return {ms: Date.now() - t0, ...r}
}

async function countRecords(kafka, topic) {
  const admin = kafka.admin()
  await admin.connect()
  const offs = await admin.fetchTopicOffsets(topic)
  await admin.disconnect()
  return offs.reduce((n, p) => n + Number(p.high), 0)
}

async function naiveCopy(kafka, from, to) {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: to, numPartitions: PARTITIONS}], waitForLeaders: true})
  await admin.disconnect()
  const producer = kafka.producer({createPartitioner: Partitioners.DefaultPartitioner})
  const consumer = kafka.consumer({groupId: 'bench-naive'})
  await producer.connect()
  await consumer.connect()
  await consumer.subscribe({topic: from, fromBeginning: true})
  let n = 0
  let first = 0
  await consumer.run({eachMessage: async ({message}) => {
    if (first === 0) first = Date.now()
    await producer.send({topic: to, messages: [{key: message.key, value: message.value}]})
    n++
  }})
  while (first === 0) await new Promise((r) => setTimeout(r, 50))
  const deadline = first + NAIVE_SECONDS * 1000
  while (n < RECORDS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  const ms = Date.now() - first
  const copied = n
  await consumer.disconnect()
  await producer.disconnect()
  return {records: copied, ms, extrapolated: copied < RECORDS}
}

console.log('building dist/ (the jobs run the compiled library)…')
execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], {cwd: root, stdio: 'inherit'})

const results = {records: RECORDS, partitions: PARTITIONS, recordBytes: 0, runs: {}}
try {
  console.log(`starting a single-node dev cluster (Kafka ${dev.DEFAULT_KAFKA_VERSION})…`)
  const info = await dev.devUp({dataDir, brokers: 1, secure: false, registry: true})
  const bootstrap = info.bootstrap.join(',')
  const kafka = new Kafka({...dev.devKafkaJsConfig(info.connection, 'bench-jobs'), logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: 'bench.src', numPartitions: PARTITIONS}], waitForLeaders: true})
  await admin.disconnect()

  // Input: RECORDS lines `key|json` of ~200 bytes value, produced by kcat (fast, not what we measure).
  const file = join(work, 'input.txt')
  const ws = createWriteStream(file)
  const pad = 'x'.repeat(140)
  for (let i = 0; i < RECORDS; i++) {
    const line = `k${i % 10007}|{"id":${i},"customer":"c${i % 997}","amount":${i % 1000},"pad":"${pad}"}\n`
    if (i === 0) results.recordBytes = line.length - line.indexOf('|') - 2
    if (!ws.write(line)) await new Promise((r) => ws.once('drain', r))
  }
  await new Promise((r) => ws.end(r))
  if (!kcatAvailable()) throw new Error('kcat is not installed (apt-get install -y kcat): it produces the input and is the peer we compare with')
  await run('kcat', ['-P', '-b', bootstrap, '-t', 'bench.src', '-K', '|', '-l', file, '-X', 'linger.ms=20', '-X', 'batch.num.messages=10000'])
  rmSync(file)
  console.log(`input: ${await countRecords(kafka, 'bench.src')} records of ~${results.recordBytes} bytes in ${PARTITIONS} partitions`)

  // A fresh broker's JIT is cold: whichever contender ran first paid for it. Warm the fetch, produce
  // and transaction paths once (untimed), then run the contenders in turns and keep each one's median.
  const kcatPipe = async (to) => {
    const admin2 = kafka.admin()
    await admin2.connect()
    await admin2.createTopics({topics: [{topic: to, numPartitions: PARTITIONS}], waitForLeaders: true})
    await admin2.disconnect()
    const k0 = Date.now()
    await run('sh', ['-c', `kcat -C -b ${bootstrap} -t bench.src -o beginning -e -q -K '|' -f '%k|%s\\n' | kcat -P -b ${bootstrap} -t ${to} -K '|' -X linger.ms=20 -X batch.num.messages=10000`])
    const ms = Date.now() - k0
    const records = await countRecords(kafka, to)
    return {records, ms, recordsPerSecond: (records * 1000) / ms}
  }
  console.log('warming the broker up (one kcat pipe and one migrate, untimed)…')
  await kcatPipe('bench.warmup-kcat')
  await jobProcess('migrate', {from: 'bench.src', to: 'bench.warmup-job'}, bootstrap)

  const jobRun = (p) => ({records: p.report.read, ms: p.report.durationMs, processMs: p.ms, recordsPerSecond: p.report.recordsPerSecond, peakRssMb: p.maxRssKb / 1024})
  const rounds = {kcat: [], repartition: [], migrate: [], rekey: [], declarative: [], streams: []}
  const declarative = {rename: [['amount', 'total']], drop: ['pad'], defaults: [['currency', 'EUR']], cast: [['total', 'float']]}
  // Kafka Streams re-keys with selectKey(value.customer).to(OUTPUT) under exactly_once_v2, the
  // default commit interval of EOS (100 ms), a 256 MB heap; its time runs from its first processed
  // record until the group's committed offsets cover the input (checked every 100 ms).
  const streamsApp = STREAMS ? await eosApp.prepareKafkaEosApp() : undefined
  const streamsRun = async (round) => {
    const t0 = Date.now()
    const child = spawn('java', eosApp.kafkaEosAppArgs(streamsApp, {bootstrap, input: 'bench.src', output: `bench.streams-${round}`, appId: `bench-streams-${round}`, expect: RECORDS, keyField: 'customer', progressMs: 100, stateDir: join(work, `streams-${round}`)}), {stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)))
    const code = await new Promise((resolve) => child.on('exit', resolve))
    const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{"type":"report"'))
    const report = line ? JSON.parse(line) : undefined
    if (code !== 0 || report?.outcome !== 'done') throw new Error(`Kafka Streams exited ${code} (${report?.outcome ?? 'no report'}): ${err.slice(-1500)}`)
    return {records: report.records, ms: report.ms, processMs: Date.now() - t0, recordsPerSecond: (report.records * 1000) / report.ms}
  }
  for (let round = 1; round <= ROUNDS; round++) {
    const k = await kcatPipe(`bench.kcat-${round}`)
    rounds.kcat.push(k)
    const rep = jobRun(await jobProcess('repartition', {from: 'bench.src', to: `bench.repartitioned-${round}`, partitions: PARTITIONS}, bootstrap))
    rounds.repartition.push(rep)
    const mig = jobRun(await jobProcess('migrate', {from: 'bench.src', to: `bench.migrated-${round}`}, bootstrap))
    rounds.migrate.push(mig)
    const rekey = jobRun(await jobProcess('repartition', {from: 'bench.src', to: `bench.rekeyed-${round}`, partitions: PARTITIONS, key: 'customer'}, bootstrap))
    rounds.rekey.push(rekey)
    const decl = jobRun(await jobProcess('migrate', {from: 'bench.src', to: `bench.migrated-transformed-${round}`, declarative}, bootstrap))
    rounds.declarative.push(decl)
    const st = streamsApp ? await streamsRun(round) : undefined
    if (st) rounds.streams.push(st)
    console.log(`round ${round}/${ROUNDS}: kcat ${Math.round(k.recordsPerSecond)} rec/s (${k.records} records); repartition ${Math.round(rep.recordsPerSecond)} rec/s (${rep.records}), peak RSS ${rep.peakRssMb.toFixed(0)} MB; migrate ${Math.round(mig.recordsPerSecond)} rec/s (${mig.records}), peak RSS ${mig.peakRssMb.toFixed(0)} MB; re-key by customer ${Math.round(rekey.recordsPerSecond)} rec/s (${rekey.records}), peak RSS ${rekey.peakRssMb.toFixed(0)} MB; migrate + declarative transform ${Math.round(decl.recordsPerSecond)} rec/s (${decl.records}), peak RSS ${decl.peakRssMb.toFixed(0)} MB${st ? `; Kafka Streams re-key ${Math.round(st.recordsPerSecond)} rec/s (${st.records}, process ${(st.processMs / 1000).toFixed(1)} s)` : ''}`)
  }
  const median = (runs) => {
    const sorted = [...runs].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond)
    return {...sorted[Math.floor(sorted.length / 2)], peakRssMb: Math.max(...runs.map((r) => r.peakRssMb ?? 0)) || undefined, rounds: runs.map((r) => Math.round(r.recordsPerSecond))}
  }
  results.runs.kcat = median(rounds.kcat)
  results.runs.repartition = median(rounds.repartition)
  results.runs.migrate = median(rounds.migrate)
  results.runs.rekey = median(rounds.rekey)
  results.runs.migrateTransformed = median(rounds.declarative)
  if (rounds.streams.length > 0) results.runs.streams = median(rounds.streams)

  // The fixed cost of a small one-off job: SMALL_RECORDS records copied by the CLI (wall time of
  // `streamctl migrate`, process start to exit) beside the kcat pipe over the same records.
  {
    const adminS = kafka.admin()
    await adminS.connect()
    await adminS.createTopics({topics: ['bench.small', 'bench.small-kcat', 'bench.small-cli'].map((topic) => ({topic, numPartitions: PARTITIONS})), waitForLeaders: true})
    await adminS.disconnect()
    const sp = kafka.producer({createPartitioner: Partitioners.DefaultPartitioner})
    await sp.connect()
    await sp.send({topic: 'bench.small', messages: Array.from({length: SMALL_RECORDS}, (_, i) => ({key: `k${i}`, value: JSON.stringify({id: i, customer: `c${i % 7}`})}))})
    await sp.disconnect()
    const k0 = Date.now()
    await run('sh', ['-c', `kcat -C -b ${bootstrap} -t bench.small -o beginning -e -q -K '|' -f '%k|%s\\n' | kcat -P -b ${bootstrap} -t bench.small-kcat -K '|'`])
    const kcatMs = Date.now() - k0
    const c0 = Date.now()
    await run(process.execPath, [join(root, 'bin', 'run.js'), 'migrate', '--from', 'bench.small', '--to', 'bench.small-cli', '--bootstrap', bootstrap, '--json'], {cwd: root})
    const cliMs = Date.now() - c0
    results.runs.small = {records: SMALL_RECORDS, cliMs, kcatMs, copied: await countRecords(kafka, 'bench.small-cli'), kcatCopied: await countRecords(kafka, 'bench.small-kcat')}
    console.log(`small job (${SMALL_RECORDS} records): streamctl migrate (CLI, process start to exit) ${cliMs} ms (target end offsets ${results.runs.small.copied}: the records and one commit marker per partition written); kcat -C -e | kcat -P ${kcatMs} ms (${results.runs.small.kcatCopied}) (${(cliMs / kcatMs).toFixed(1)}x)`)
  }

  // Compressed input stays compressed: COMPRESSED_RECORDS values of COMPRESSED_BYTES '0' characters
  // written by librdkafka with zstd, copied by migrate (the target takes compression.type
  // `producer`, so the job writes the source's codec) and by the kcat pipe with `-z zstd`. Size on
  // disk is the sum of the partitions' segment files.
  const zRecords = Number(process.env.COMPRESSED_RECORDS ?? 20_000)
  const zBytes = Number(process.env.COMPRESSED_BYTES ?? 5_000)
  const zFile = join(work, 'zeros.txt')
  const zs = createWriteStream(zFile)
  const zeros = '0'.repeat(zBytes)
  for (let i = 0; i < zRecords; i++) if (!zs.write(`k${i}|${zeros}\n`)) await new Promise((r) => zs.once('drain', r))
  await new Promise((r) => zs.end(r))
  const admin3 = kafka.admin()
  await admin3.connect()
  await admin3.createTopics({topics: [{topic: 'bench.zsrc', numPartitions: PARTITIONS}, {topic: 'bench.zkcat', numPartitions: PARTITIONS}], waitForLeaders: true})
  await admin3.disconnect()
  await run('kcat', ['-P', '-b', bootstrap, '-t', 'bench.zsrc', '-K', '|', '-z', 'zstd', '-l', zFile, '-X', 'linger.ms=50', '-X', 'batch.num.messages=10000'])
  rmSync(zFile)
  const onDisk = (topic) => {
    let n = 0
    for (let part = 0; part < PARTITIONS; part++) {
      const dir = join(dataDir, 'node-1', 'data', `${topic}-${part}`)
      for (const f of readdirSync(dir)) if (f.endsWith('.log')) n += statSync(join(dir, f)).size
    }
    return n
  }
  const zk0 = Date.now()
  await run('sh', ['-c', `kcat -C -b ${bootstrap} -t bench.zsrc -o beginning -e -q -K '|' -f '%k|%s\\n' | kcat -P -b ${bootstrap} -t bench.zkcat -K '|' -z zstd -X linger.ms=50 -X batch.num.messages=10000`])
  const zkMs = Date.now() - zk0
  const zMig = jobRun(await jobProcess('migrate', {from: 'bench.zsrc', to: 'bench.zmigrated'}, bootstrap))
  const zIn = onDisk('bench.zsrc')
  results.runs.compressed = {
    records: zRecords, valueBytes: zBytes, sourceBytesOnDisk: zIn,
    migrate: {...zMig, bytesOnDisk: onDisk('bench.zmigrated')},
    kcat: {records: await countRecords(kafka, 'bench.zkcat'), ms: zkMs, recordsPerSecond: (zRecords * 1000) / zkMs, bytesOnDisk: onDisk('bench.zkcat')},
  }
  const zc = results.runs.compressed
  console.log(`zstd in, zstd out (${zRecords} × ${zBytes} '0' characters, source ${(zIn / 1e6).toFixed(2)} MB on disk): migrate ${Math.round(zc.migrate.recordsPerSecond)} rec/s, ${(zc.migrate.bytesOnDisk / 1e6).toFixed(2)} MB (${(zc.migrate.bytesOnDisk / zIn).toFixed(2)}× the source); kcat -z zstd pipe ${Math.round(zc.kcat.recordsPerSecond)} rec/s, ${(zc.kcat.bytesOnDisk / 1e6).toFixed(2)} MB (${(zc.kcat.bytesOnDisk / zIn).toFixed(2)}×)`)

  // Avro in the Confluent wire format, migrated into a v2 subject (a field renamed by alias, int
  // widened to long): each value decoded with its writer's schema, resolved, re-encoded; beside a
  // plain copy of the same topic. Input encoded with avsc here (speed is measured, not fidelity:
  // the registry-formats test judges that with confluent-kafka).
  const avroRecords = Number(process.env.AVRO_RECORDS ?? Math.min(RECORDS, 300_000))
  const avsc = (await import('avsc')).default
  const registryUrl = info.registryUrl
  const registerSchema = async (subject, schema) => {
    const res = await fetch(`${registryUrl}/subjects/${subject}/versions`, {method: 'POST', headers: {'content-type': 'application/vnd.schemaregistry.v1+json'}, body: JSON.stringify({schema: JSON.stringify(schema)})})
    if (!res.ok) throw new Error(`registering ${subject}: HTTP ${res.status} ${await res.text()}`)
    return (await res.json()).id
  }
  const v1 = {type: 'record', name: 'Order', namespace: 'bench', fields: [{name: 'id', type: 'long'}, {name: 'customer', type: 'string'}, {name: 'amount', type: 'int'}, {name: 'pad', type: 'string'}]}
  const v2 = {type: 'record', name: 'Order', namespace: 'bench', fields: [{name: 'id', type: 'long'}, {name: 'customer_id', aliases: ['customer'], type: 'string'}, {name: 'amount', type: 'long'}, {name: 'pad', type: 'string'}, {name: 'currency', type: 'string', default: 'EUR'}]}
  const writerId = await registerSchema('bench.avro-value', v1)
  await registerSchema('bench.avro.v2-value', v2)
  const writer = avsc.Type.forSchema(v1)
  const admin4 = kafka.admin()
  await admin4.connect()
  await admin4.createTopics({topics: [{topic: 'bench.avro', numPartitions: PARTITIONS}], waitForLeaders: true})
  await admin4.disconnect()
  const avroProducer = kafka.producer({createPartitioner: Partitioners.DefaultPartitioner})
  await avroProducer.connect()
  const header = Buffer.alloc(5)
  header.writeUInt32BE(writerId, 1)
  for (let i = 0; i < avroRecords; i += 10_000) {
    const messages = []
    for (let j = i; j < Math.min(avroRecords, i + 10_000); j++) messages.push({key: `k${j % 10007}`, value: Buffer.concat([header, writer.toBuffer({id: j, customer: `c${j % 997}`, amount: j % 1000, pad})])})
    await avroProducer.send({topic: 'bench.avro', messages})
  }
  await avroProducer.disconnect()
  const avroPlain = jobRun(await jobProcess('migrate', {from: 'bench.avro', to: 'bench.avro-copy'}, bootstrap))
  const avroUpgrade = jobRun(await jobProcess('migrate', {from: 'bench.avro', to: 'bench.avro.v2', schemaUpgrade: {registry: {environment: 'bench', url: registryUrl}, format: 'avro', toSubject: 'bench.avro.v2-value'}}, bootstrap))
  results.runs.avro = {records: avroRecords, plain: avroPlain, upgrade: avroUpgrade}
  console.log(`Avro (${avroRecords} records): plain copy ${Math.round(avroPlain.recordsPerSecond)} rec/s; decode + resolve into v2 + encode ${Math.round(avroUpgrade.recordsPerSecond)} rec/s (${(avroUpgrade.recordsPerSecond / avroPlain.recordsPerSecond).toFixed(2)}× the plain copy), peak RSS ${avroUpgrade.peakRssMb.toFixed(0)} MB`)

  const naive = await naiveCopy(kafka, 'bench.src', 'bench.naive')
  results.runs.naive = {...naive, recordsPerSecond: (naive.records * 1000) / naive.ms}
  console.log(`naive kafkajs eachMessage+send: ${naive.records} records in ${naive.ms} ms, ${Math.round(results.runs.naive.recordsPerSecond)} rec/s${naive.extrapolated ? ` (stopped after ${NAIVE_SECONDS}s; the rate is extrapolated to the full run)` : ''}`)

  const r = results.runs
  results.ratios = {
    repartitionVsKcat: r.repartition.recordsPerSecond / r.kcat.recordsPerSecond,
    migrateVsKcat: r.migrate.recordsPerSecond / r.kcat.recordsPerSecond,
    repartitionVsNaive: r.repartition.recordsPerSecond / r.naive.recordsPerSecond,
    migrateVsNaive: r.migrate.recordsPerSecond / r.naive.recordsPerSecond,
    declarativeVsKcat: r.migrateTransformed.recordsPerSecond / r.kcat.recordsPerSecond,
    ...(r.streams ? {rekeyVsStreams: r.rekey.recordsPerSecond / r.streams.recordsPerSecond} : {}),
  }
  const peak = Math.max(r.repartition.peakRssMb, r.migrate.peakRssMb, r.migrateTransformed.peakRssMb, r.rekey.peakRssMb)
  results.loadAverage = loadavg()
  console.log('')
  // Shared machines skew these numbers: print the load so a slow run can be read for what it is.
  console.log(`load average (1/5/15 min) at the end: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${(await import('node:os')).cpus().length} cores`)
  console.log(`${'job'.padEnd(36)} ${'records/s'.padStart(10)} ${'vs kcat'.padStart(8)} ${'vs naive'.padStart(9)} ${'peak RSS'.padStart(9)}`)
  for (const [name, row] of [['repartition (exactly once)', r.repartition], ['migrate (exactly once)', r.migrate], ['migrate + declarative transform', r.migrateTransformed], ['repartition, re-key by $.customer', r.rekey], ...(r.streams ? [['Kafka Streams EOS v2, same re-key', r.streams]] : []), ['migrate, zstd in and out', r.compressed.migrate], ['migrate, Avro into a v2 schema', r.avro.upgrade], ['kcat -C | kcat -P (at least once)', r.kcat], ['kcat pipe -z zstd', r.compressed.kcat], ['naive kafkajs eachMessage+send', r.naive]]) {
    const rss = row.peakRssMb ? `${row.peakRssMb.toFixed(0)} MB` : ''
    console.log(`${name.padEnd(36)} ${Math.round(row.recordsPerSecond).toString().padStart(10)} ${(row.recordsPerSecond / r.kcat.recordsPerSecond).toFixed(2).padStart(7)}x ${(row.recordsPerSecond / r.naive.recordsPerSecond).toFixed(1).padStart(8)}x ${rss.padStart(9)}`)
  }
  console.log('')
  const zRatio = r.compressed.migrate.bytesOnDisk / r.compressed.sourceBytesOnDisk
  console.log(`compressed copy on disk: ${zRatio.toFixed(2)}x the zstd input (target <= 1.2x: ${zRatio <= 1.2 ? 'met' : 'NOT met'}); kcat -z zstd pipe: ${(r.compressed.kcat.bytesOnDisk / r.compressed.sourceBytesOnDisk).toFixed(2)}x`)
  const met = (ok) => (ok ? 'met' : 'NOT met')
  console.log(`targets: migrate >= 1.5x kcat pipe: ${met(results.ratios.migrateVsKcat >= 1.5)} (${results.ratios.migrateVsKcat.toFixed(2)}x); repartition >= 1.5x kcat pipe: ${met(results.ratios.repartitionVsKcat >= 1.5)} (${results.ratios.repartitionVsKcat.toFixed(2)}x); re-key >= 1.5x Kafka Streams EOS v2: ${r.streams ? `${met(results.ratios.rekeyVsStreams >= 1.5)} (${results.ratios.rekeyVsStreams.toFixed(2)}x)` : 'not run (STREAMS=0)'}; declarative migrate >= 0.8x kcat pipe: ${met(results.ratios.declarativeVsKcat >= 0.8)} (${results.ratios.declarativeVsKcat.toFixed(2)}x); >= 10x naive: ${met(results.ratios.repartitionVsNaive >= 10 && results.ratios.migrateVsNaive >= 10)}; peak RSS <= 250 MB in every round: ${met(peak <= 250)} (${peak.toFixed(0)} MB)`)
  console.log(`small job fixed cost (${SMALL_RECORDS} records): CLI ${r.small.cliMs} ms vs kcat pipe ${r.small.kcatMs} ms`)
  mkdirSync(join(root, 'bench', 'out'), {recursive: true})
  writeFileSync(join(root, 'bench', 'out', 'jobs.json'), JSON.stringify(results, null, 2) + '\n')
} finally {
  await dev.devDown({dataDir, graceMs: 10_000}).catch(() => undefined)
  cleanup()
}

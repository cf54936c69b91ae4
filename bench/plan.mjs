#!/usr/bin/env node
// npm run bench:plan — on a real single-node dev cluster:
//   * apply of an estate of N new topics of mixed configs onto the empty cluster (N = 10,000, or
//     BENCH_TOPICS; the largest count the open-files limit allows): time and admin requests, then
//     a re-plan of the same estate right after (CLI, `--detailed-exitcode`: must show no changes);
//   * plan wall time, admin requests and peak RSS of those N topics with 1% changed in the
//     manifests, against a naive reader that sends one metadata + one DescribeConfigs request per topic;
//   * apply creating 1,000 topics, against segmentio/topicctl applying the same 1,000 topics.
// Every JVM it starts is stopped, also on Ctrl-C. Figures go to stdout and bench/out/plan.json.
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {register} from 'tsx/esm/api'

register()
const dev = await import('../src/dev/index.ts')
const {Kafka, logLevel} = await import('kafkajs')

const root = mkdtempSync(join(tmpdir(), 'streamctl-bench-plan-'))
const dataDir = join(root, 'kafka')
const cleanup = () => { dev.killClusterSync(dataDir); rmSync(root, {recursive: true, force: true}) }
process.once('SIGINT', () => { cleanup(); process.exit(130) })
process.once('SIGTERM', () => { cleanup(); process.exit(143) })

const hardFiles = Number(spawnSync('bash', ['-c', 'ulimit -Hn']).stdout.toString().trim()) || 20_000
// One open log file per partition plus sockets and jars: keep a margin of 4,000 descriptors.
const N = Math.min(Number(process.env.BENCH_TOPICS ?? 10_000), hardFiles - 4_000)
const APPLY_N = 1_000
// The built CLI is what users run (`npm run build` first); the source runner adds tsx's transpile time.
const BUILT = join(import.meta.dirname, '..', 'bin', 'run.js')
const useBuilt = existsSync(join(import.meta.dirname, '..', 'dist', 'commands', 'apply.js'))
const CLI_ARGS = useBuilt ? [BUILT] : ['--import', 'tsx', join(import.meta.dirname, '..', 'bin', 'dev.js')]

const configFor = (i) => [
  {},
  {'retention.ms': String(3_600_000 * (1 + (i % 48)))},
  {'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000'},
  {'compression.type': 'zstd', 'max.message.bytes': '2097152'},
][i % 4]

function envYaml(name, bootstrap, prunePrefix) {
  return `apiVersion: streamctl/v1\nkind: Environment\nmetadata: {name: ${name}}\nspec:\n  kafka: {bootstrap: [${bootstrap.join(', ')}]}\n  defaults: {replicationFactor: 1}\n${prunePrefix ? `  prune: {prefixes: ['${prunePrefix}']}\n` : ''}` +
    // plan/apply refuse lint errors: the bench's synthetic topics have no owner or schema, so those rules only warn.
    `---\napiVersion: streamctl/v1\nkind: Policy\nmetadata: {name: bench-relaxed-${name}}\nspec:\n  rules: {owner-required: warning, value-schema-required: warning}\n`
}

function topicYaml(name, config, partitions = 1) {
  const entries = Object.entries(config)
  return `apiVersion: streamctl/v1\nkind: Topic\nmetadata: {name: ${name}}\nspec:\n  partitions: ${partitions}\n${entries.length ? `  config: {${entries.map(([k, v]) => `${k}: '${v}'`).join(', ')}}\n` : ''}`
}

function time(fn) {
  const t = performance.now()
  const r = fn()
  return {ms: Math.round(performance.now() - t), r}
}

const results = {machine: {cpus: cpus().length, loadavg: loadavg().map((x) => x.toFixed(2))}, topics: N}
const lines = []
try {
  console.error(`starting a single-node dev cluster (Kafka ${dev.DEFAULT_KAFKA_VERSION}) in ${dataDir}`)
  const up = await dev.devUp({dataDir, brokers: 1, registry: false, heap: '1g'})
  const bootstrap = up.bootstrap
  const topicName = (i) => `bench.plan.t${String(i).padStart(5, '0')}.v1`
  const planDir = join(root, 'plan-manifests')
  mkdirSync(planDir)
  writeFileSync(join(planDir, 'env.yaml'), envYaml('bench', bootstrap))
  // The estate as applied: every topic exactly as declared.
  writeFileSync(join(planDir, 'topics.yaml'), Array.from({length: N}, (_, i) => topicYaml(topicName(i), configFor(i))).join('---\n'))

  console.error(`apply of ${N} new topics with mixed configs (library, fresh process)`)
  const bigApply = time(() => JSON.parse(execFileSync(process.execPath, [join(import.meta.dirname, 'apply-child.mjs'), planDir, 'bench'], {encoding: 'utf8', maxBuffer: 64 << 20}).trim().split('\n').at(-1)))
  if (bigApply.r.outcome !== 'applied') throw new Error(`apply of ${N} topics: ${JSON.stringify(bigApply.r)}`)
  results.bigApply = {...bigApply.r, processMs: bigApply.ms}
  console.error('re-plan of the same estate right after (CLI, --detailed-exitcode)')
  const replan = time(() => spawnSync(process.execPath, [...CLI_ARGS, 'plan', '-e', 'bench', '-f', planDir, '--detailed-exitcode'], {maxBuffer: 256 << 20, encoding: 'utf8'}))
  results.replan = {ms: replan.ms, exitCode: replan.r.status, noChanges: replan.r.status === 0 && /No changes/.test(replan.r.stdout)}
  if (!results.replan.noChanges) throw new Error(`the re-plan right after apply shows changes (exit ${replan.r.status}): ${(replan.r.stdout + replan.r.stderr).split('\n').filter((l) => /^Plan:|^\s*[-+~]/.test(l)).slice(0, 20).join('\n')}`)

  // The manifests declare every topic; 1% differ from the cluster so the plan has work to show.
  writeFileSync(join(planDir, 'topics.yaml'), Array.from({length: N}, (_, i) => {
    const config = i % 100 === 7 ? {...configFor(i), 'retention.ms': '86400000'} : configFor(i)
    return topicYaml(topicName(i), config)
  }).join('---\n'))

  // Those 100 changes are retention cuts (destructive), so the plan reads their activity: give it
  // groups to find, 300 with offsets committed on one topic each (a third on touched topics).
  // Committed without joining (a standalone commit, as an admin would), by confluent-kafka in one process:
  // kafkajs's setOffsets joins each group as a member, seconds a group.
  const {ensurePythonEnv} = await import('../test/provision/clients.ts')
  const python = await ensurePythonEnv({log: () => undefined})
  const commits = Array.from({length: 300}, (_, g) => [`bench.group.${g}`, topicName(g % 3 === 0 ? (g * 100 + 7) % N : (g * 37) % N)])
  const committed = spawnSync(python, ['-c', `
import json, sys
from confluent_kafka import Consumer, TopicPartition
for group, topic in json.loads(sys.argv[2]):
    c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': group, 'enable.auto.commit': False})
    c.commit(offsets=[TopicPartition(topic, 0, 0)], asynchronous=False)
    c.close()
`, bootstrap.join(','), JSON.stringify(commits)], {encoding: 'utf8'})
  if (committed.status !== 0) throw new Error(`committing the bench groups' offsets failed: ${committed.stderr}`)

  const median = (mode) => {
    const runs = [0, 1, 2].map(() => JSON.parse(execFileSync(process.execPath, [join(import.meta.dirname, 'plan-child.mjs'), planDir, 'bench', ...(mode ? [mode] : [])], {encoding: 'utf8', maxBuffer: 64 << 20}).trim().split('\n').at(-1)))
    return runs.sort((a, b) => a.observeAndPlanMs - b.observeAndPlanMs)[1]
  }
  console.error('planning (library, fresh process): with the activity of the touched topics, then without (as before)')
  results.plan = median()
  results.planWithoutImpact = median('no-impact')
  console.error('planning (CLI, fresh process)')
  const cliPlan = time(() => spawnSync(process.execPath, [...CLI_ARGS, 'plan', '-e', 'bench', '-f', planDir, '--json'], {maxBuffer: 256 << 20}))
  results.planCliMs = cliPlan.ms

  console.error('naive reader: one metadata + one DescribeConfigs request per topic (capped at 60 s, then extrapolated)')
  const kafka = new Kafka({clientId: 'bench-naive', brokers: bootstrap, logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  const naiveStart = performance.now()
  let naiveDone = 0
  for (; naiveDone < N && performance.now() - naiveStart < 60_000; naiveDone++) {
    const name = `bench.plan.t${String(naiveDone).padStart(5, '0')}.v1`
    await admin.fetchTopicMetadata({topics: [name]})
    await admin.describeConfigs({resources: [{type: 2, name}], includeSynonyms: true})
  }
  const naiveMs = performance.now() - naiveStart
  await admin.disconnect()
  results.naive = {topicsRead: naiveDone, ms: Math.round(naiveMs), extrapolatedMs: Math.round((naiveMs / naiveDone) * N), requests: 2 * N, extrapolated: naiveDone < N}

  console.error(`apply creating ${APPLY_N} topics (CLI)`)
  const applyDir = join(root, 'apply-manifests')
  mkdirSync(applyDir)
  writeFileSync(join(applyDir, 'env.yaml'), envYaml('bench-apply', bootstrap, 'bench.apply.'))
  writeFileSync(join(applyDir, 'topics.yaml'), Array.from({length: APPLY_N}, (_, i) => topicYaml(`bench.apply.t${String(i).padStart(4, '0')}.v1`, configFor(i), 3)).join('---\n'))
  const apply = time(() => spawnSync(process.execPath, [...CLI_ARGS, 'apply', '-e', 'bench-apply', '-f', applyDir, '--auto-approve'], {maxBuffer: 256 << 20, encoding: 'utf8', env: {...process.env, STREAMCTL_DEBUG: '1'}}))
  if (apply.r.status !== 0) throw new Error(`apply failed: ${apply.r.stderr}`)
  results.apply = {topics: APPLY_N, ms: apply.ms}

  console.error(`topicctl applying the same ${APPLY_N} topics`)
  results.topicctl = runTopicctl(bootstrap)
} finally {
  dev.killClusterSync(dataDir)
  rmSync(root, {recursive: true, force: true})
}

function runTopicctl(bootstrap) {
  const bin = process.env.TOPICCTL_BIN ?? findTopicctl()
  if (!bin) return {skipped: 'topicctl is not installed: the Go module proxy refuses github.com/segmentio/topicctl; set TOPICCTL_BIN to a binary built from its source'}
  if (!existsSync(bin)) return {skipped: `TOPICCTL_BIN=${bin} does not exist`}
  const dir = join(root, 'topicctl')
  mkdirSync(join(dir, 'topics'), {recursive: true})
  writeFileSync(join(dir, 'cluster.yaml'), `meta: {name: bench, environment: bench, region: local}\nspec:\n  bootstrapAddrs: [${bootstrap.join(', ')}]\n`)
  const files = []
  for (let i = 0; i < APPLY_N; i++) {
    const name = `bench.topicctl.t${String(i).padStart(4, '0')}.v1`
    const settings = Object.entries(configFor(i)).filter(([k]) => k !== 'retention.ms')
    const retention = configFor(i)['retention.ms']
    const file = join(dir, 'topics', `${name}.yaml`)
    writeFileSync(file, `meta: {name: ${name}, cluster: bench, environment: bench, region: local}\nspec:\n  partitions: 3\n  replicationFactor: 1\n${retention ? `  retentionMinutes: ${Number(retention) / 60_000}\n` : ''}  placement: {strategy: any}\n${settings.length ? `  settings:\n${settings.map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`).join('\n')}\n` : ''}`)
    files.push(file)
  }
  const r = time(() => spawnSync(bin, ['apply', '--skip-confirm', '--no-spinner', '--sleep-loop-duration', '100ms', '--cluster-config', join(dir, 'cluster.yaml'), ...files], {maxBuffer: 256 << 20, encoding: 'utf8'}))
  if (r.r.error) return {failed: r.r.error.message, ms: r.ms}
  if (r.r.status !== 0) return {failed: (r.r.stderr || r.r.stdout || '').slice(-400), ms: r.ms}
  return {topics: APPLY_N, ms: r.ms, bin}
}

function findTopicctl() {
  for (const p of [join(process.env.HOME ?? '', 'go', 'bin', 'topicctl'), '/tmp/gobin/topicctl']) if (existsSync(p)) return p
  const which = spawnSync('bash', ['-c', 'command -v topicctl'])
  return which.status === 0 ? which.stdout.toString().trim() : undefined
}

const p = results.plan
const ratio = (peer, ours) => (ours > 0 ? `${(peer / ours).toFixed(1)}x` : 'n/a')
lines.push(`machine: ${results.machine.cpus} cores, load ${results.machine.loadavg.join(' ')}; CLI: ${useBuilt ? 'built (bin/run.js)' : 'from sources via tsx (run npm run build for the real figure)'}`)
const ba = results.bigApply
lines.push(`apply of ${N} new topics onto an empty cluster (no request may exceed the controller's 10,000 records)`)
lines.push(`  streamctl apply (library)  ${ba.applyMs} ms   requests ${ba.requests}   ${ba.done} created   visible on every broker after ${ba.visibilityMs} ms of waiting   (process ${ba.processMs} ms, peak RSS ${ba.maxRssMB} MB)`)
lines.push(`  re-plan right after (CLI)  ${results.replan.ms} ms   ${results.replan.noChanges ? 'no changes' : `CHANGES (exit ${results.replan.exitCode})`}`)
lines.push(`plan of ${N} topics (target: <= 3 s, <= 30 requests, <= 300 MB RSS)`)
lines.push(`  streamctl observe+plan     ${p.observeAndPlanMs} ms   requests ${p.requests}   peak RSS ${p.maxRssMB} MB   (manifest load ${p.loadMs} ms, module import ${p.importMs} ms, ${p.actions} actions)`)
const q = results.planWithoutImpact
lines.push(`  without activity (before)  ${q.observeAndPlanMs} ms   requests ${q.requests}   peak RSS ${q.maxRssMB} MB   → reading the activity of ${p.impact} touched topics (${p.impactGroups} groups on them) costs ${p.observeAndPlanMs - q.observeAndPlanMs} ms and ${p.requests - q.requests} requests`)
const perApi = (r) => Object.entries(r.requestsPerApi ?? {}).map(([api, n]) => `${api} ${n}`).join(', ')
lines.push(`    requests per API: ${perApi(p)}`)
lines.push(`    without activity:  ${perApi(q)}`)
lines.push(`  streamctl plan (CLI, total) ${results.planCliMs} ms`)
lines.push(`  naive per-topic reader     ${results.naive.extrapolatedMs} ms${results.naive.extrapolated ? ` (extrapolated from ${results.naive.topicsRead} topics in ${results.naive.ms} ms)` : ''}   requests ${results.naive.requests}   → streamctl is ${ratio(results.naive.extrapolatedMs, p.observeAndPlanMs)} faster, ${ratio(results.naive.requests, p.requests)} fewer requests`)
lines.push(`apply creating ${APPLY_N} topics (target: <= 10 s)`)
lines.push(`  streamctl apply            ${results.apply.ms} ms`)
const tc = results.topicctl
lines.push(tc.skipped ? `  topicctl                   skipped: ${tc.skipped}` : tc.failed ? `  topicctl                   failed after ${tc.ms} ms: ${tc.failed}` : `  topicctl apply             ${tc.ms} ms   → streamctl is ${ratio(tc.ms, results.apply.ms)} faster`)
console.log(lines.join('\n'))
mkdirSync(join(import.meta.dirname, 'out'), {recursive: true})
writeFileSync(join(import.meta.dirname, 'out', 'plan.json'), JSON.stringify(results, null, 2))

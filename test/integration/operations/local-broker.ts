/**
 * A single-node Apache Kafka (KRaft, combined broker+controller) for this folder's tests, used
 * until/unless the shared harness provides one. Set STREAMCTL_TEST_BOOTSTRAP to reuse a running
 * broker instead. Every JVM started here is stopped by `stop()` (tests call it in afterAll).
 */
import {spawn, execFileSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, writeFileSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Kafka, logLevel} from 'kafkajs'

const LIB = process.env.STREAMCTL_KAFKA_LIB ?? '/tmp/kpom/lib44'

export interface LocalBroker {
  bootstrap: string
  stop(): Promise<void>
  /** kill -9 then start again on the same ports and data (restart tests). */
  pid(): number | undefined
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as {port: number}).port
      s.close(() => resolve(port))
    })
  })
}

export async function startLocalBroker(): Promise<LocalBroker> {
  if (process.env.STREAMCTL_TEST_BOOTSTRAP) {
    return {bootstrap: process.env.STREAMCTL_TEST_BOOTSTRAP, stop: async () => {}, pid: () => undefined}
  }
  const dir = mkdtempSync(join(tmpdir(), 'ops-kafka-'))
  const bp = await freePort()
  const cp = await freePort()
  const props = [
    'process.roles=broker,controller', 'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${cp}`,
    `listeners=PLAINTEXT://127.0.0.1:${bp},CONTROLLER://127.0.0.1:${cp}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${bp},CONTROLLER://127.0.0.1:${cp}`,
    'inter.broker.listener.name=PLAINTEXT', 'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dir}/data`, 'num.partitions=1',
    'offsets.topic.replication.factor=1', 'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1', 'transaction.state.log.num.partitions=4',
    'share.coordinator.state.topic.replication.factor=1', 'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0', 'log.cleaner.backoff.ms=1000',
  ].join('\n')
  writeFileSync(join(dir, 'server.properties'), props + '\n')
  writeFileSync(join(dir, 'log4j2.yaml'), [
    'Configuration:', '  Appenders:', '    File:', '      name: F', `      fileName: ${dir}/server.log`,
    '      PatternLayout: {pattern: "[%d] %p %m (%c)%n"}', '  Loggers:', '    Root:', '      level: INFO', '      AppenderRef: [{ref: F}]',
  ].join('\n') + '\n')
  const cp0 = `${LIB}/*`
  const id = execFileSync('java', ['-cp', cp0, 'kafka.tools.StorageTool', 'random-uuid']).toString().trim()
  execFileSync('java', ['-cp', cp0, `-Dlog4j2.configurationFile=${dir}/log4j2.yaml`, 'kafka.tools.StorageTool', 'format', '-c', `${dir}/server.properties`, '-t', id, '--standalone'], {stdio: 'ignore'})
  const child: ChildProcess = spawn('java', [
    '-Xmx384m', '-Xms128m', '-XX:+UseG1GC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${dir}`, `-Dlog4j2.configurationFile=${dir}/log4j2.yaml`, '-cp', cp0, 'kafka.Kafka', `${dir}/server.properties`,
  ], {stdio: 'ignore', detached: false})
  const bootstrap = `127.0.0.1:${bp}`
  const kafka = new Kafka({brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 0}})
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`broker exited early; see ${dir}/server.log`)
    try {
      const admin = kafka.admin()
      await admin.connect()
      const c = await admin.describeCluster()
      await admin.disconnect()
      if (c.brokers.length > 0) break
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`broker not ready in 90s; see ${dir}/server.log`)
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  return {
    bootstrap,
    pid: () => child.pid,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(t)
      }
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

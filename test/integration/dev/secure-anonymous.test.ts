/**
 * The --secure cluster has no way in without a login: every TCP port its JVMs listen on (read from
 * /proc, not from streamctl's own layout) refuses anonymous clients — confluent-kafka and kcat,
 * over plain TCP and over TLS — including the controller listeners that KIP-919's
 * `bootstrap.controllers` reaches (judged with Kafka's own MetadataQuorumCommand), and the dev
 * registry refuses anonymous HTTP. The same probes succeed where they should (the plain cluster,
 * the admin's login, the nodes' own PLAIN user), so a refusal is authentication, not a dead port.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {beforeAll, describe, expect, it} from 'vitest'
import {devUp, readCredentials, runKafkaTool} from '../../../src/dev/index.js'
import {hasSecureCluster, kcatBin, kcatMissing, pythonBin, secureCluster, singleCluster, type TestCluster} from '../harness.js'
import {librdkafkaProps, run} from './clients.js'
import {listeningPorts} from './proc-sockets.js'

interface DevStateFile {
  pids: Record<string, number>
  layout: {nodes: {id: number; ports: Record<string, number>}[]}
}

/** For each address: did an anonymous confluent-kafka client get metadata (true) or was it refused? */
const PY_ANONYMOUS = `
import json, sys
from concurrent.futures import ThreadPoolExecutor
from confluent_kafka.admin import AdminClient
targets = json.loads(sys.argv[1])
def probe(t):
    conf = {'bootstrap.servers': t['address'], 'socket.timeout.ms': 4000, 'reconnect.backoff.max.ms': 500, 'log_level': 0}
    conf.update(t.get('extra', {}))
    try:
        md = AdminClient(conf).list_topics(timeout=8)
        return {'address': t['address'], 'protocol': conf.get('security.protocol', 'plaintext'), 'accepted': True, 'brokers': len(md.brokers)}
    except Exception as e:
        return {'address': t['address'], 'protocol': conf.get('security.protocol', 'plaintext'), 'accepted': False, 'error': str(e)[:200]}
with ThreadPoolExecutor(max_workers=len(targets)) as ex:
    print(json.dumps(list(ex.map(probe, targets))))
`

type Probe = {address: string; protocol: string; accepted: boolean; brokers?: number; error?: string}

async function pythonProbe(targets: {address: string; extra?: Record<string, string>}[]): Promise<Probe[]> {
  const r = await run(pythonBin(), ['-c', PY_ANONYMOUS, JSON.stringify(targets)], {timeoutMs: 90_000})
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as Probe[]
}

describe.skipIf(!hasSecureCluster())('secure dev cluster: nothing anonymous gets in', () => {
  let c: TestCluster
  let state: DevStateFile
  let ports: number[]

  beforeAll(() => {
    c = secureCluster()
    state = JSON.parse(readFileSync(join(c.dataDir, 'state.json'), 'utf8')) as DevStateFile
    ports = Object.values(state.pids).flatMap((pid) => listeningPorts(pid))
  })

  it('the JVMs listen on every port of the layout (the enumeration sees them all)', () => {
    const declared = state.layout.nodes.flatMap((n) => Object.values(n.ports))
    expect(declared).toHaveLength(12)
    for (const p of declared) expect(ports).toContain(p)
    // the generated configs name no PLAINTEXT listener and no ANONYMOUS super user
    for (const n of state.layout.nodes) {
      const props = readFileSync(join(c.dataDir, `node-${n.id}`, 'server.properties'), 'utf8')
      expect(props).not.toMatch(/:PLAINTEXT(,|$)/m)
      expect(props).toMatch(/^super\.users=User:admin;User:broker$/m)
    }
  })

  it('confluent-kafka without credentials is refused on every port, over TCP and TLS; with the admin login it is served', async () => {
    const targets = ports.flatMap((p) => [
      {address: `127.0.0.1:${p}`},
      {address: `127.0.0.1:${p}`, extra: {'security.protocol': 'ssl', 'ssl.ca.location': c.caFile!}},
    ])
    const probes = await pythonProbe(targets)
    expect(probes).toHaveLength(targets.length)
    expect(probes.filter((p) => p.accepted)).toEqual([])

    // Positive controls: the same probe gets metadata from the plain cluster, and from the secure
    // one with the admin's SCRAM login.
    const admin = librdkafkaProps(c)
    const ok = await pythonProbe([
      {address: singleCluster().bootstrap[0]!},
      {address: c.bootstrap[0]!, extra: Object.fromEntries(Object.entries(admin).filter(([k]) => k !== 'bootstrap.servers'))},
    ])
    expect(ok.map((p) => [p.accepted, p.brokers])).toEqual([[true, 1], [true, 3]])
  })

  it('kcat without credentials is refused on every port, over TCP and TLS', async (ctx) => {
    const missing = kcatMissing()
    if (missing) ctx.skip(missing)
    const kcat = kcatBin()!
    const probe = (port: number, tls: boolean) => run(kcat, ['-L', '-b', `127.0.0.1:${port}`, '-m', '5', ...(tls ? ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${c.caFile!}`] : [])], {timeoutMs: 30_000})
    const results = await Promise.all(ports.flatMap((p) => [false, true].map(async (tls) => ({port: p, tls, r: await probe(p, tls)}))))
    const served = results.filter((x) => x.r.code === 0 || /\d+ brokers:/.test(x.r.stdout))
    expect(served.map((x) => `${x.port}${x.tls ? '/tls' : ''}: ${x.r.stdout.slice(0, 200)}`)).toEqual([])
    // positive control: kcat lists the plain cluster
    const plain = await run(kcat, ['-L', '-b', singleCluster().bootstrap[0]!, '-m', '5'])
    expect(plain.code, plain.stderr).toBe(0)
    expect(plain.stdout).toMatch(/1 brokers:/)
  })

  it('the controller listeners (KIP-919 bootstrap.controllers) refuse an anonymous admin and serve the nodes\' PLAIN user', async () => {
    const internal = readCredentials(join(c.dataDir, 'secure', 'internal.json'))
    const anon = join(c.dataDir, 'secure', 'it-anonymous.properties')
    writeFileSync(anon, 'security.protocol=PLAINTEXT\nrequest.timeout.ms=4000\ndefault.api.timeout.ms=8000\nsocket.connection.setup.timeout.max.ms=2000\n')
    const plain = join(c.dataDir, 'secure', 'it-internal.properties')
    writeFileSync(plain, [
      'security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=PLAIN',
      `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${internal.username}" password="${internal.password.reveal()}";`,
      'request.timeout.ms=10000', 'default.api.timeout.ms=20000', '',
    ].join('\n'), {mode: 0o600})
    const quorum = 'org.apache.kafka.tools.MetadataQuorumCommand'
    for (const n of state.layout.nodes) {
      const address = `127.0.0.1:${n.ports.controller}`
      const refused = await runKafkaTool(c.kafkaVersion, quorum, ['--bootstrap-controller', address, '--command-config', anon, 'describe', '--status'], {timeoutMs: 60_000})
      expect(refused.code, `anonymous describe on controller ${address} succeeded:\n${refused.stdout}`).not.toBe(0)
    }
    const served = await runKafkaTool(c.kafkaVersion, quorum, ['--bootstrap-controller', `127.0.0.1:${state.layout.nodes[0]!.ports.controller}`, '--command-config', plain, 'describe', '--status'], {timeoutMs: 60_000})
    expect(served.code, served.stderr).toBe(0)
    expect(served.stdout).toMatch(/ClusterId:\s+\S+/)
    expect(served.stdout).toContain(c.clusterId)
  })

  it('the INTERNAL (inter-broker) listener serves only the nodes\' PLAIN user; a wrong password is refused', async () => {
    const internal = readCredentials(join(c.dataDir, 'secure', 'internal.json'))
    const brokers = state.layout.nodes.map((n) => `127.0.0.1:${n.ports.broker}`)
    const as = (password: string) => new Kafka({brokers, clientId: 'it-internal', logLevel: logLevel.NOTHING, retry: {retries: 0}, connectionTimeout: 3000,
      sasl: {mechanism: 'plain', username: internal.username, password}}).admin()
    const good = as(internal.password.reveal())
    await good.connect()
    try {
      expect((await good.describeCluster()).brokers).toHaveLength(3)
    } finally {
      await good.disconnect()
    }
    const bad = as('not-the-password')
    const err = await bad.connect().then(() => undefined, (e: unknown) => e as Error)
    await bad.disconnect().catch(() => undefined)
    expect(err?.name).toBe('KafkaJSSASLAuthenticationError')
  })

  it('the dev registry refuses anonymous and wrong logins; Confluent\'s client with the admin login registers a schema', async () => {
    const up = await devUp({dataDir: c.dataDir, registry: true})
    expect(up.registryUrl).toBeDefined()
    expect(up.registryAuth?.username).toBe('admin')
    const url = up.registryUrl!
    const anonymous = await fetch(`${url}/subjects`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toEqual({error_code: 401, message: 'Unauthorized'})
    const wrong = await fetch(`${url}/subjects`, {headers: {authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}`}})
    expect(wrong.status).toBe(401)

    const creds = c.adminCredentials!
    const script = `
import json, sys
from confluent_kafka.schema_registry import SchemaRegistryClient, Schema
from confluent_kafka.schema_registry.error import SchemaRegistryError
url, user = sys.argv[1], sys.argv[2]
out = {}
try:
    SchemaRegistryClient({'url': url}).get_subjects()
    out['anonymous'] = 'served'
except SchemaRegistryError as e:
    out['anonymous'] = e.http_status_code
client = SchemaRegistryClient({'url': url, 'basic.auth.user.info': user})
out['id'] = client.register_schema('it-secure-registry-value', Schema('"string"', 'AVRO'))
out['subjects'] = client.get_subjects()
print(json.dumps(out))
`
    const r = await run(pythonBin(), ['-c', script, url, `${creds.username}:${creds.password}`], {timeoutMs: 60_000})
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as {anonymous: unknown; id: number; subjects: string[]}
    expect(out.anonymous).toBe(401)
    expect(out.id).toBeGreaterThan(0)
    expect(out.subjects).toContain('it-secure-registry-value')
    // the registry's own Kafka login is the admin's on a client listener, never a password on its command line
    const pid = JSON.parse(readFileSync(join(c.dataDir, 'state.json'), 'utf8')).registry.pid as number
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
    expect(cmdline).toContain(`--bootstrap ${c.saslPlaintext!.bootstrap.join(',')}`)
    expect(cmdline).not.toContain(creds.password)
  })
})

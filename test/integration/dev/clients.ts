import {execFile} from 'node:child_process'
import type {TestCluster} from '../harness.js'

export interface Run {
  code: number
  stdout: string
  stderr: string
}

export function run(cmd: string, args: readonly string[], opts: {input?: string; timeoutMs?: number} = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, {timeout: opts.timeoutMs ?? 60_000, maxBuffer: 8 * 1024 * 1024}, (err, stdout, stderr) => {
      const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : 1) : 0
      resolve({code, stdout, stderr})
    })
    // A child that exits without reading its input (kcat -V) closes the pipe: EPIPE on our end is
    // not the run's result, its exit code and output are.
    child.stdin?.on('error', () => {})
    if (opts.input === undefined) child.stdin?.end()
    else child.stdin?.end(opts.input)
  })
}

/** librdkafka properties (kcat -X / confluent-kafka) for a cluster, optionally as another user. */
export function librdkafkaProps(c: TestCluster, as?: {username: string; password: string}): Record<string, string> {
  const props: Record<string, string> = {'bootstrap.servers': c.bootstrap.join(',')}
  if (c.adminCredentials) {
    const who = as ?? c.adminCredentials
    Object.assign(props, {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': who.username,
      'sasl.password': who.password,
      'ssl.ca.location': c.caFile!,
    })
  }
  return props
}

export function kcatArgs(c: TestCluster, as?: {username: string; password: string}): string[] {
  const p = librdkafkaProps(c, as)
  const args = ['-b', p['bootstrap.servers']!]
  for (const [k, v] of Object.entries(p)) if (k !== 'bootstrap.servers') args.push('-X', `${k}=${v}`)
  return args
}

/** Produces `values` then reads the topic back with the confluent-kafka Python client. */
export const PYTHON_ROUND_TRIP = `
import json, sys
from confluent_kafka import Producer, Consumer, KafkaException
props = json.loads(sys.argv[1]); topic = sys.argv[2]; values = sys.argv[3].split(',')
p = Producer({**props, 'acks': 'all'})
errors = []
for v in values:
    p.produce(topic, v.encode(), on_delivery=lambda err, msg: errors.append(str(err)) if err else None)
left = p.flush(20)
if left or errors:
    print('produce failed:', errors or left, file=sys.stderr); sys.exit(3)
c = Consumer({**props, 'group.id': 'py-' + topic, 'auto.offset.reset': 'earliest'})
c.subscribe([topic])
seen = []
import time
deadline = time.time() + 30
while len(seen) < len(values) and time.time() < deadline:
    m = c.poll(1.0)
    if m is None: continue
    if m.error(): print('consume error:', m.error(), file=sys.stderr); sys.exit(4)
    seen.append(m.value().decode())
c.close()
print(','.join(seen))
`

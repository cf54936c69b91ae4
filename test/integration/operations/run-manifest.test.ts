import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {loadDesired} from '../../../src/operations/resolve-connection.js'
import {runJobSpec} from '../../../src/operations/run-job-spec.js'
import {gatewayFor} from '../cluster/tool-output.js'
import {newKafkaJs, singleCluster, uniquePrefix} from '../harness.js'
import {createTopic, produce, readAll} from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'ops-run-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('streamctl run JOB -e ENV', () => {
  it('runs Job manifests resolved for an environment, and names the file of a bad one', async () => {
    const p = uniquePrefix('run job')
    const kafka = newKafkaJs()
    await createTopic(kafka, `${p}orders`, 2)
    await produce(kafka, `${p}orders`, Array.from({length: 400}, (_, i) => ({key: `o${i}`, value: JSON.stringify({customerId: `c${i % 13}`, version: 1 + (i % 3)})})))
    await createTopic(kafka, `${p}customers`, 1, {'cleanup.policy': 'compact'})
    await produce(kafka, `${p}customers`, Array.from({length: 90}, (_, i) => ({key: `u${i % 30}`, value: JSON.stringify({version: 1 + Math.floor(i / 30)})})))
    const file = join(dir, 'jobs.yaml')
    writeFileSync(file, `apiVersion: streamctl/v1
kind: Environment
metadata: {name: it}
spec:
  kafka: {bootstrap: [${singleCluster().bootstrap.join(', ')}]}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: ${p}orders}
spec: {partitions: 2}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: ${p}customers}
spec: {partitions: 1, policy: table}
---
apiVersion: streamctl/v1
kind: Job
metadata: {name: by-customer}
spec:
  type: repartition
  source: {topic: ${p}orders}
  target: {topic: ${p}orders-by-customer}
  options: {key: $.customerId, partitions: 4}
---
apiVersion: streamctl/v1
kind: Job
metadata: {name: history}
spec:
  type: derive-versioned
  source: {topic: ${p}customers}
  target: {topic: ${p}orders-history}
  options: {service: shop, entity: order}
---
apiVersion: streamctl/v1
kind: Job
metadata: {name: upgrade}
spec:
  type: migrate
  source: {topic: ${p}orders}
  target: {topic: ${p}x}
  options: {targetSchema: orders-v2}
`)
    const desired = await loadDesired([file], 'it')
    const r1 = await runJobSpec({desired, files: [file], jobName: 'by-customer'})
    expect(r1).toMatchObject({job: 'by-customer', read: 400, written: 400})
    const out = await readAll(kafka, `${p}orders-by-customer`)
    expect(new Set(out.map((r) => r.partition)).size).toBeGreaterThan(1)
    expect(out.every((r) => r.key!.toString() === (JSON.parse(r.value!.toString()) as {customerId: string}).customerId)).toBe(true)

    const r2 = await runJobSpec({desired, files: [file], jobName: 'history'})
    expect(r2).toMatchObject({read: 90, written: 90})
    const history = (await readAll(kafka, `${p}orders-history`)).map((r) => r.key!.toString()).sort()
    expect(history).toEqual(Array.from({length: 90}, (_, i) => `shop-order-u${i % 30}-v${1 + Math.floor(i / 30)}`).sort())

    // Options this version cannot honour are refused with the manifest position, before any I/O.
    await expect(runJobSpec({desired, files: [file], jobName: 'upgrade'})).rejects.toThrow(/jobs\.yaml:\d+:\d+: options.targetSchema is not supported/)
    // A Job missing required options never loads: the manifest pipeline names file:line:col.
    const bad = join(dir, 'bad.yaml')
    writeFileSync(bad, 'apiVersion: streamctl/v1\nkind: Job\nmetadata: {name: broken}\nspec:\n  type: derive-versioned\n  source: {topic: a}\n  target: {topic: b}\n  options: {service: shop}\n')
    await expect(loadDesired([bad], 'it')).rejects.toMatchObject({diagnostics: [expect.objectContaining({location: expect.objectContaining({file: bad, line: 8}), message: expect.stringContaining('entity')})]})
    await expect(runJobSpec({desired, files: [file], jobName: 'nope'})).rejects.toThrow("no Job named 'nope' in environment it")
  })

  it('the compression and noGaps options of a Job reach the job; --restart from the command line starts it over', async () => {
    const p = uniquePrefix('run job options')
    const kafka = newKafkaJs()
    await createTopic(kafka, `${p}in`, 1)
    // In sends of 50 (500 KB): one send of all 2 MB would exceed the broker's 1 MB request limit.
    for (let i = 0; i < 200; i += 50) await produce(kafka, `${p}in`, Array.from({length: 50}, (_, j) => ({key: `k${i + j}`, value: '0'.repeat(10_000)})))
    const file = join(dir, 'options.yaml')
    writeFileSync(file, `apiVersion: streamctl/v1
kind: Environment
metadata: {name: it}
spec:
  kafka: {bootstrap: [${singleCluster().bootstrap.join(', ')}]}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: ${p}in}
spec: {partitions: 1}
---
apiVersion: streamctl/v1
kind: Job
metadata: {name: ${p}gzip}
spec:
  type: migrate
  source: {topic: ${p}in}
  target: {topic: ${p}gzip}
  options: {compression: gzip, noGaps: true}
---
apiVersion: streamctl/v1
kind: Job
metadata: {name: ${p}plain}
spec:
  type: migrate
  source: {topic: ${p}in}
  target: {topic: ${p}plain}
  options: {compression: none}
`)
    const desired = await loadDesired([file], 'it')
    expect(await runJobSpec({desired, files: [file], jobName: `${p}gzip`})).toMatchObject({read: 200, written: 200})
    expect(await runJobSpec({desired, files: [file], jobName: `${p}plain`})).toMatchObject({read: 200, written: 200})
    const gw = gatewayFor(singleCluster())
    try {
      const size = async (topic: string) => (await gw.describeLogDirs([topic])).reduce((n, d) => n + d.sizeBytes, 0)
      const [gz, plain] = [await size(`${p}gzip`), await size(`${p}plain`)]
      // 2 MB of '0's: uncompressed as written, a few KB through gzip.
      expect(plain).toBeGreaterThan(2_000_000)
      expect(gz).toBeLessThan(plain / 50)
    } finally {
      await gw.close()
    }
    // Rerun: nothing left; with restart (the command line's --restart) everything again.
    expect(await runJobSpec({desired, files: [file], jobName: `${p}gzip`})).toMatchObject({read: 0})
    expect(await runJobSpec({desired, files: [file], jobName: `${p}gzip`, restart: true})).toMatchObject({read: 200, written: 200})
    // A codec the Job names that Kafka does not have is refused with the manifest position.
    const bad = join(dir, 'bad-codec.yaml')
    writeFileSync(bad, readFileSync(file, 'utf8').replace('compression: gzip', 'compression: brotli'))
    await expect(loadDesired([bad], 'it')).rejects.toMatchObject({diagnostics: [expect.objectContaining({location: expect.objectContaining({file: bad}), message: expect.stringContaining('compression')})]})
  })
})

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {streamctl} from '../dev/cli.js'
import {createTopicsAndWait, kafkaTool, singleCluster} from '../harness.js'

const cluster = singleCluster()

/**
 * Item 5 of issue 17 against a real cluster: a topic name that keeps a reference after
 * interpolation (a cyclic variable) or holds a literal `${` (written `$${`) stops plan and apply
 * with located errors before anything is sent; the real topic the name was meant for is untouched.
 */
describe('names that are not resolved never reach the cluster', () => {
  const p = `unres${Array.from({length: 6}, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`
  const dir = mkdtempSync(join(tmpdir(), 'streamctl-unresolved-it-'))
  afterAll(async () => {
    await kafkaTool('topics', ['--delete', '--topic', `${p}\\..*`], {cluster}).catch(() => undefined)
    rmSync(dir, {recursive: true, force: true})
  })

  it('plan and apply refuse, name file:line:col, and leave the cluster as it was', async () => {
    const real = `${p}.orders.v1`
    await createTopicsAndWait(cluster, [{topic: real, numPartitions: 1, replicationFactor: 1}])
    writeFileSync(join(dir, 'm.yaml'), `apiVersion: streamctl/v1
kind: Environment
metadata: {name: it-unresolved}
spec:
  kafka: {bootstrap: [${cluster.bootstrap.join(', ')}]}
  prune: {prefixes: ['${p}.']}
  variables: {prefix: '\${var:org}', org: '\${var:prefix}'}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: '\${var:prefix}.orders.v1'}
spec: {policy: stream}
---
apiVersion: streamctl/v1
kind: Topic
metadata: {name: '$\${var:prefix}.payments.v1'}
spec: {policy: stream}
`)
    const before = (await kafkaTool('topics', ['--list'], {cluster})).stdout
    for (const args of [['plan', '-e', 'it-unresolved'], ['apply', '-e', 'it-unresolved', '--auto-approve']]) {
      const r = await streamctl([...args, '-f', dir])
      expect(r.code, r.stdout + r.stderr).toBe(1)
      expect(r.stderr).toMatch(/m\.yaml:7:\d+: error: variable prefix refers to itself/)
      expect(r.stderr).toMatch(/m\.yaml:11:\d+: error: variable prefix cannot be resolved/)
      expect(r.stderr).toMatch(/m\.yaml:16:\d+: error: topic name "\$\{var:prefix\}\.payments\.v1" contains illegal character/)
      expect(r.stdout).not.toMatch(/to destroy|to add/)
    }
    const after = (await kafkaTool('topics', ['--list'], {cluster})).stdout
    expect(after.split('\n').sort()).toEqual(before.split('\n').sort())
    expect(after.split('\n')).toContain(real)
  })
})

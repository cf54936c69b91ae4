import {spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'
import {ClusterLock} from '../../../src/apply/lock.js'
import {streamctl} from '../dev/cli.js'
import {hasSecureCluster, kafkaTool, newKafkaJs, secureCluster, singleCluster, uniquePrefix} from '../harness.js'
import {PASSWORD_VAR, environmentYaml, topicYaml, writeEstate} from './estate.js'

const RUNNER = fileURLToPath(new URL('../../../bin/dev.js', import.meta.url))
const single = singleCluster()
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, {recursive: true, force: true})))

function estate(envName: string, prefix: string, topics: number, cluster = single): string {
  const dir = writeEstate(undefined, {
    'env.yaml': environmentYaml(envName, cluster, prefix),
    'topics.yaml': Array.from({length: topics}, (_, i) => topicYaml({name: `${prefix}t${i}.v1`, partitions: 2})).join('---\n'),
  })
  dirs.push(dir)
  return dir
}

describe('apply under contention and faults (single node)', () => {
  it('a second apply fails clearly on the lock, or waits for it with --lock-wait', async () => {
    const prefix = uniquePrefix('lock')
    const dir = estate('it-lock', prefix, 2)
    const kafka = newKafkaJs(single)
    const admin = kafka.admin()
    await admin.connect()
    const lock = await ClusterLock.forCluster(kafka, admin, {command: 'test-holder'})
    await lock.acquire()
    try {
      const refused = await streamctl(['apply', '-e', 'it-lock', '-f', dir, '--auto-approve'])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(`another test-holder holds the lock "apply/cluster/${single.clusterId}"`)
      expect(refused.stderr).toContain('hint:')
      expect((await kafkaTool('topics', ['--list'])).stdout).not.toContain(prefix)

      const waiting = streamctl(['apply', '-e', 'it-lock', '-f', dir, '--auto-approve', '--lock-wait', '90s'])
      await new Promise((r) => setTimeout(r, 3000))
      await lock.release()
      const waited = await waiting
      expect(waited.code, waited.stderr).toBe(0)
      expect(waited.stdout).toContain('Apply complete')
    } finally {
      await lock.release()
      await admin.disconnect()
    }
  })

  it('kill -9 in the middle of an apply: the lease names the dead holder, unlock + re-run converges', async () => {
    const prefix = uniquePrefix('kill')
    const dir = estate('it-kill', prefix, 40)
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, 'apply', '-e', 'it-kill', '-f', dir, '--auto-approve'], {stdio: ['ignore', 'pipe', 'pipe']})
    await new Promise<void>((resolve) => {
      let out = ''
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString()
        if (out.includes('Applying')) resolve()
      })
      child.on('exit', () => resolve())
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.on('exit', r))

    const blocked = await streamctl(['apply', '-e', 'it-kill', '-f', dir, '--auto-approve'])
    expect(blocked.code).toBe(1)
    expect(blocked.stderr).toContain(`pid ${child.pid}`)
    const unlock = await streamctl(['unlock', '-e', 'it-kill', '-f', dir])
    expect(unlock.code, unlock.stderr).toBe(0)
    expect(unlock.stdout).toContain(`pid ${child.pid}`)
    const rerun = await streamctl(['apply', '-e', 'it-kill', '-f', dir, '--auto-approve'])
    expect(rerun.code, rerun.stderr).toBe(0)
    const plan = await streamctl(['plan', '-e', 'it-kill', '-f', dir, '--detailed-exitcode'])
    expect(plan.code, plan.stdout).toBe(0)
    const list = (await kafkaTool('topics', ['--list'])).stdout.split('\n').filter((l) => l.startsWith(prefix))
    expect(list).toHaveLength(40)
  })

  it('a saved plan is refused when a topic is deleted behind the tool\'s back, and nothing is applied', async () => {
    const prefix = uniquePrefix('stale')
    const dir = estate('it-stale', prefix, 1)
    expect((await streamctl(['apply', '-e', 'it-stale', '-f', dir, '--auto-approve'])).code).toBe(0)
    writeEstate(dir, {'topics.yaml': [0, 1].map((i) => topicYaml({name: `${prefix}t${i}.v1`, partitions: 2})).join('---\n')})
    const planFile = `${dir}.plan.json`
    dirs.push(planFile)
    const plan = await streamctl(['plan', '-e', 'it-stale', '-f', dir, '-o', planFile, '--detailed-exitcode'])
    expect(plan.code, plan.stderr).toBe(2)
    await kafkaTool('topics', ['--delete', '--topic', `${prefix}t0.v1`])
    const apply = await streamctl(['apply', planFile, '-f', dir, '--auto-approve'])
    expect(apply.code).toBe(1)
    expect(apply.stderr).toMatch(/changed since the plan was made/)
    expect(apply.stderr).toContain('hint:')
    expect((await kafkaTool('topics', ['--list'])).stdout).not.toContain(`${prefix}t1.v1`)
  })

  it('an unreachable bootstrap is one clear error within a bounded time, naming the environment', async () => {
    const prefix = uniquePrefix('unreachable')
    const dir = estate('it-down', prefix, 1, {...single, bootstrap: ['127.0.0.1:9']})
    const started = Date.now()
    const r = await streamctl(['plan', '-e', 'it-down', '-f', dir])
    expect(Date.now() - started).toBeLessThan(40_000)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/it-down/)
    expect(r.stderr).toContain('127.0.0.1:9')
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
  })
})

describe.skipIf(!hasSecureCluster())('wrong credentials and cross-cluster diff', () => {
  it('a wrong SASL password fails cleanly without printing it, and changes nothing', async () => {
    const secure = secureCluster()
    const prefix = uniquePrefix('badpw')
    const dir = estate('it-badpw', prefix, 1, secure)
    const wrong = 'definitely-wrong-password-123'
    const r = await streamctl(['apply', '-e', 'it-badpw', '-f', dir, '--auto-approve'], {env: {[PASSWORD_VAR]: wrong}})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/authenticat/i)
    expect(r.stderr).toContain('it-badpw')
    expect(r.stdout + r.stderr).not.toContain(wrong)
    expect((await kafkaTool('topics', ['--list'], {cluster: secure})).stdout).not.toContain(prefix)
  })

  it('diff between two dev clusters shows topics only on one side', async () => {
    const secure = secureCluster()
    const prefix = uniquePrefix('diff')
    await kafkaTool('topics', ['--create', '--topic', `${prefix}only-single`, '--partitions', '1', '--replication-factor', '1'])
    await kafkaTool('topics', ['--create', '--topic', `${prefix}only-secure`, '--partitions', '2', '--replication-factor', '3'], {cluster: secure})
    const dir = writeEstate(undefined, {
      'a.yaml': environmentYaml('it-a', single, prefix),
      'b.yaml': environmentYaml('it-b', secure, prefix),
    })
    dirs.push(dir)
    const r = await streamctl(['diff', '--from', 'it-a', '--to', 'it-b', '-f', dir, '--detailed-exitcode'], {env: {[PASSWORD_VAR]: secure.adminCredentials!.password}})
    expect(r.code, r.stderr).toBe(2)
    expect(r.stdout).toContain(`- topic ${prefix}only-single`)
    expect(r.stdout).toContain(`+ topic ${prefix}only-secure`)
  })
})

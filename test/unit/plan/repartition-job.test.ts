import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {stringify} from 'yaml'
import {afterAll, describe, expect, it} from 'vitest'
import {loadManifests, resolveEnvironment} from '../../../src/manifest/index.js'
import {repartitionJob} from '../../../src/plan/repartition-job.js'

const dir = mkdtempSync(join(tmpdir(), 'streamctl-job-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('the repartition Job generated for a blocked partition decrease', () => {
  it('bumps the version past names in use', () => {
    expect(repartitionJob('shop.orders.v1', 3, new Set(['shop.orders.v2'])).spec.target.topic).toBe('shop.orders.v3')
  })

  it('is a valid manifest as printed: it loads and resolves with its topics declared', async () => {
    const job = repartitionJob('shop.orders.v1', 3, new Set())
    const topic = (name: string, partitions: number) => ({apiVersion: 'streamctl/v1', kind: 'Topic', metadata: {name}, spec: {owner: 'orders', partitions}})
    const env = {apiVersion: 'streamctl/v1', kind: 'Environment', metadata: {name: 'dev'}, spec: {cluster: 'dev'}}
    const service = {apiVersion: 'streamctl/v1', kind: 'Service', metadata: {name: 'orders'}, spec: {principal: 'User:orders', produces: ['shop.orders.v1', 'shop.orders.v2']}}
    writeFileSync(join(dir, 'all.yaml'), [env, service, topic('shop.orders.v1', 6), topic(job.spec.target.topic, 3), job].map((d) => stringify(d)).join('---\n'))
    const desired = resolveEnvironment(await loadManifests([dir]), 'dev')
    expect(desired.jobs).toHaveLength(1)
    expect(desired.jobs[0]).toMatchObject({kind: 'repartition', source: {topic: 'shop.orders.v1'}, target: {topic: 'shop.orders.v2'}, options: {partitions: 3}})
  })
})

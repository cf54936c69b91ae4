import {Kafka} from 'kafkajs'
import {afterAll, describe, expect, it} from 'vitest'
import type {AclEntry} from '../../../src/model/state.js'
import {hasSecureCluster, secureCluster, uniquePrefix} from '../harness.js'
import {eventually, gatewayFor, tool} from './tool-output.js'

/** ACLs, SCRAM users and quotas on the three-broker SASL_SSL cluster with the StandardAuthorizer. */
describe.skipIf(!hasSecureCluster())('gateway ACLs, SCRAM and quotas vs AclCommand/ConfigCommand (secure, 3 brokers)', () => {
  const cluster = hasSecureCluster() ? secureCluster() : undefined
  const gw = cluster ? gatewayFor(cluster) : undefined
  afterAll(() => gw?.close())

  it('connects over SASL_SSL with SCRAM and sees all three brokers and the cluster id', async () => {
    const d = await gw!.describeCluster()
    expect(d.clusterId).toBe(cluster!.clusterId)
    expect(d.brokers.map((b) => b.nodeId)).toHaveLength(3)
    expect(d.brokers.map((b) => b.nodeId)).toContain(d.controllerId === -1 ? d.brokers[0]!.nodeId : d.controllerId)
  })

  it('ACLs we create AclCommand lists; ACLs AclCommand adds we read; deleteAcls removes them', async () => {
    const p = uniquePrefix('gw acl')
    const user = `User:${p.replace(/\W/g, '')}`
    const ours: AclEntry = {resourceType: 'TOPIC', resourceName: `${p}orders`, patternType: 'LITERAL', principal: user, host: '*', operation: 'READ', permission: 'ALLOW'}
    await gw!.createAcls([ours, {...ours, resourceType: 'GROUP', resourceName: p, patternType: 'PREFIXED', operation: 'READ'}])
    const listed = await eventually(() => tool(cluster!, 'acls', ['--list', '--principal', user]), (out) => out.includes(`${p}orders`) && out.includes('PREFIXED'))
    expect(listed).toMatch(new RegExp(`name=${p.replace(/\./g, '\\.')}orders, patternType=LITERAL`))
    expect(listed).toContain(`principal=${user}, host=*, operation=READ, permissionType=ALLOW`)

    await tool(cluster!, 'acls', ['--add', '--allow-principal', user, '--operation', 'Write', '--topic', `${p}payments`])
    const read = await eventually(() => gw!.describeAcls({principal: user}), (acls) => acls.length === 3)
    expect(read).toContainEqual({...ours, resourceName: `${p}payments`, operation: 'WRITE'})
    expect(read).toContainEqual(ours)

    const deleted = await gw!.deleteAcls([{principal: user}])
    expect(deleted).toHaveLength(3)
    const after = await eventually(() => tool(cluster!, 'acls', ['--list', '--principal', user]), (out) => !out.includes(p))
    expect(after).not.toContain(p)
  })

  it('a SCRAM user we upsert can log in with that password (and not another); ConfigCommand shows it', async () => {
    const user = `gw${uniquePrefix('scram').replace(/\W/g, '')}`
    await gw!.alterUserScramCredentials([{kind: 'upsert', user, mechanism: 'SCRAM-SHA-512', iterations: 4096, password: 'right-pw'}])
    const shown = await eventually(() => tool(cluster!, 'configs', ['--describe', '--entity-type', 'users', '--entity-name', user]), (o) => o.includes('SCRAM-SHA-512'))
    expect(shown).toContain('SCRAM-SHA-512=iterations=4096')
    const login = async (password: string) => {
      const admin = new Kafka({brokers: cluster!.saslPlaintext!.bootstrap, clientId: 'gw-it', logLevel: 0, retry: {retries: 0},
        sasl: {mechanism: 'scram-sha-512', username: user, password}}).admin()
      try {
        await admin.connect()
        return 'ok'
      } catch (error) {
        return (error as Error).name
      } finally {
        await admin.disconnect()
      }
    }
    expect(await login('right-pw')).toBe('ok')
    expect(await login('wrong-pw')).toBe('KafkaJSSASLAuthenticationError')

    await tool(cluster!, 'configs', ['--alter', '--entity-type', 'users', '--entity-name', user, '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=x1]'])
    const described = await eventually(() => gw!.describeUserScramCredentials([user]), (r) => r[0]?.mechanisms.length === 2)
    expect(described).toEqual([{user, mechanisms: expect.arrayContaining([{mechanism: 'SCRAM-SHA-512', iterations: 4096}, {mechanism: 'SCRAM-SHA-256', iterations: 8192}])}])

    await gw!.alterUserScramCredentials([{kind: 'delete', user, mechanism: 'SCRAM-SHA-512'}, {kind: 'delete', user, mechanism: 'SCRAM-SHA-256'}])
    expect(await eventually(() => gw!.describeUserScramCredentials([user]), (r) => r.length === 0)).toEqual([])
  })

  it('quotas we set ConfigCommand shows; quotas ConfigCommand sets we read; removal and validateOnly', async () => {
    const user = `gw${uniquePrefix('quota').replace(/\W/g, '')}`
    const client = `${user}-client`
    await gw!.alterClientQuotas([{entity: {user}, ops: [{key: 'producer_byte_rate', value: 1048576}]}])
    const shown = await eventually(() => tool(cluster!, 'configs', ['--describe', '--entity-type', 'users', '--entity-name', user]), (o) => o.includes('producer_byte_rate'))
    expect(shown).toContain('producer_byte_rate=1048576.0')

    await tool(cluster!, 'configs', ['--alter', '--entity-type', 'clients', '--entity-name', client, '--add-config', 'consumer_byte_rate=2048'])
    const read = await eventually(() => gw!.describeClientQuotas({entityType: 'client-id', match: client}), (q) => q.length === 1)
    expect(read).toEqual([{entity: {'client-id': client}, values: {consumer_byte_rate: 2048}}])

    await gw!.alterClientQuotas([{entity: {'client-id': client}, ops: [{key: 'consumer_byte_rate', value: 1}]}], {validateOnly: true})
    await gw!.alterClientQuotas([{entity: {user}, ops: [{key: 'producer_byte_rate', value: null}]}])
    expect(await eventually(() => gw!.describeClientQuotas({entityType: 'user', match: user}), (q) => q.length === 0)).toEqual([])
    expect((await gw!.describeClientQuotas({entityType: 'client-id', match: client}))[0]?.values).toEqual({consumer_byte_rate: 2048})
  })
})

import {describe, expect, it} from 'vitest'
import type {DevClusterInfo} from '../../../src/dev/info.js'
import {nodeLines, summaryLines} from '../../../src/dev/render.js'
import {Secret} from '../../../src/model/secret.js'

const password = new Secret('s3cr3t-value', 'file:/x/credentials.json')
const secure: DevClusterInfo = {
  dataDir: '/d', kafkaVersion: '4.4.0', clusterId: 'abc', brokers: 1, secure: true,
  bootstrap: ['127.0.0.1:9094'],
  connection: {bootstrap: ['127.0.0.1:9094'], sasl: {mechanism: 'scram-sha-512', username: 'admin', password}, tls: {caFile: '/d/secure/ca.pem'}},
  saslPlaintext: {bootstrap: ['127.0.0.1:9093'], connection: {bootstrap: ['127.0.0.1:9093'], sasl: {mechanism: 'scram-sha-512', username: 'admin', password}}},
  nodes: [{id: 1, up: true, pid: 42, roles: 'broker,controller', ports: {broker: 9092, controller: 9095, sasl: 9093, tls: 9094}, logFile: '/d/node-1/logs/server.log'}],
  allUp: true, credentialsFile: '/d/secure/credentials.json', caFile: '/d/secure/ca.pem',
}

describe('dev summary lines', () => {
  it('bootstrap and cluster-id on their own lines, no secret anywhere, JSON redacted', () => {
    const lines = summaryLines(secure)
    expect(lines[0]).toBe('bootstrap: 127.0.0.1:9094')
    expect(lines[1]).toBe('cluster-id: abc')
    expect(lines).toContain('bootstrap-sasl-plaintext: 127.0.0.1:9093')
    expect(lines.join('\n')).not.toContain('s3cr3t-value')
    expect(JSON.stringify(secure)).not.toContain('s3cr3t-value')
    expect(nodeLines(secure)).toEqual(['node 1: up (pid 42)  ports broker=9092 controller=9095 sasl=9093 tls=9094'])
    const racked: DevClusterInfo = {...secure, nodes: [{...secure.nodes[0]!, rack: 'a'}, {id: 4, up: false, roles: 'broker', rack: 'b', ports: {broker: 1, controller: 2}, logFile: '/d/node-4/logs/server.log'}]}
    expect(nodeLines(racked)).toEqual(['node 1: up (pid 42)  rack a  ports broker=9092 controller=9095 sasl=9093 tls=9094', 'node 4: down  broker-only  rack b  ports broker=1 controller=2'])
  })

  it('registry line only when the registry is managed', () => {
    const plain: DevClusterInfo = {...secure, secure: false, saslPlaintext: undefined, credentialsFile: undefined, registryUrl: 'http://127.0.0.1:8081'}
    expect(summaryLines(plain)).toEqual(['bootstrap: 127.0.0.1:9094', 'cluster-id: abc', 'registry: http://127.0.0.1:8081'])
  })

  it('the Connect worker: its URL, its REST auth and principal (never the password), and its state', () => {
    const withConnect: DevClusterInfo = {...secure, connect: {enabled: true, up: true, pid: 77, url: 'http://127.0.0.1:8083', port: 8083, auth: {username: 'admin', password}, principal: 'User:connect', logFile: '/d/connect/logs/connect.log'}}
    const lines = summaryLines(withConnect)
    expect(lines).toContain('connect: http://127.0.0.1:8083')
    expect(lines).toContain("connect-auth: HTTP Basic as admin (the admin's password); the worker logs in to Kafka as User:connect")
    expect(lines.join('\n')).not.toContain('s3cr3t-value')
    expect(JSON.stringify(withConnect)).not.toContain('s3cr3t-value')
    expect(nodeLines(withConnect).at(-1)).toBe('connect-worker: up (pid 77)  port 8083')
    expect(nodeLines({...withConnect, connect: {...withConnect.connect!, up: false, pid: undefined}}).at(-1)).toBe('connect-worker: down  port 8083')
    expect(nodeLines({...withConnect, connect: {...withConnect.connect!, up: false, enabled: false, pid: undefined}}).at(-1)).toBe('connect-worker: off (dev up --connect starts it)  port 8083')
    expect(nodeLines(secure).some((l) => l.startsWith('connect-worker'))).toBe(false)
  })
})

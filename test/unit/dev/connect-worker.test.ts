import {describe, expect, it} from 'vitest'
import {connectArtifacts, DEV_CONNECT_VERSION} from '../../../src/dev/connect-versions.js'
import {connectJavaArgs, connectMarker, connectWorkerAcls, renderRestJaas, renderRestUsers, renderWorkerProperties} from '../../../src/dev/connect-worker.js'
import {planLayout} from '../../../src/dev/topology.js'
import {renderArtifactsPom} from '../../../src/dev/versions.js'
import {parseProperties} from './properties-text.js'

const props = parseProperties

describe('dev Connect worker config', () => {
  it('plain: the client listeners, internal _streamctl_connect_* topics with RF from the node count, REST on 127.0.0.1 only', () => {
    const p = props(renderWorkerProperties(planLayout({kafkaVersion: '4.4.0', brokers: 3, secure: false, ports: [1, 2, 3, 4, 5, 6]}), {restPort: 8083}))
    expect(p['bootstrap.servers']).toBe('127.0.0.1:1,127.0.0.1:3,127.0.0.1:5')
    expect(p['config.storage.topic']).toBe('_streamctl_connect_configs')
    expect(p['offset.storage.topic']).toBe('_streamctl_connect_offsets')
    expect(p['status.storage.topic']).toBe('_streamctl_connect_status')
    expect(p['config.storage.replication.factor']).toBe('3')
    expect(p.listeners).toBe('http://127.0.0.1:8083')
    expect(p['rest.advertised.host.name']).toBe('127.0.0.1')
    expect(Object.keys(p).some((k) => k.includes('sasl') || k.startsWith('rest.extension'))).toBe(false)
    const one = props(renderWorkerProperties(planLayout({kafkaVersion: '4.4.0', brokers: 1, secure: false, ports: [1, 2]}), {restPort: 8083}))
    expect(one['status.storage.replication.factor']).toBe('1')
  })

  it('secure: the worker and every client it makes for connectors log in as its own SCRAM user; REST asks for HTTP Basic', () => {
    const layout = planLayout({kafkaVersion: '4.4.0', brokers: 1, secure: true, ports: [10, 11, 12, 13]})
    const p = props(renderWorkerProperties(layout, {restPort: 8083, security: {username: 'connect', password: 'abc123'}}))
    // The SASL_PLAINTEXT client listener, never the nodes' INTERNAL one.
    expect(p['bootstrap.servers']).toBe('127.0.0.1:12')
    for (const prefix of ['', 'producer.', 'consumer.', 'admin.']) {
      expect(p[`${prefix}security.protocol`]).toBe('SASL_PLAINTEXT')
      expect(p[`${prefix}sasl.mechanism`]).toBe('SCRAM-SHA-512')
      expect(p[`${prefix}sasl.jaas.config`]).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="abc123";')
    }
    expect(p['rest.extension.classes']).toBe('org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension')
  })

  it('the REST login files: a KafkaConnect JAAS entry naming the users file, and user=password lines', () => {
    expect(renderRestJaas('/d/secure/users.properties')).toBe('KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file="/d/secure/users.properties";\n};\n')
    expect(renderRestUsers([{username: 'admin', password: 'ff00'}])).toBe('admin=ff00\n')
  })

  it('the worker principal gets its internal topics and groups only, no data topic and nothing on the cluster', () => {
    const acls = connectWorkerAcls('User:connect')
    expect(acls.every((a) => a.principal === 'User:connect' && a.permission === 'ALLOW' && a.host === '*')).toBe(true)
    expect(acls.filter((a) => a.resourceType === 'TOPIC').map((a) => `${a.patternType}:${a.resourceName}:${a.operation}`).sort()).toEqual(
      ['CREATE', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'READ', 'WRITE'].map((op) => `PREFIXED:_streamctl_connect_:${op}`))
    expect(acls.filter((a) => a.resourceType === 'GROUP').map((a) => `${a.patternType}:${a.resourceName}`)).toEqual(['LITERAL:streamctl-dev-connect', 'PREFIXED:connect-'])
    expect(acls.some((a) => a.resourceType === 'CLUSTER' || a.operation === 'ALL')).toBe(false)
  })

  it('the java command line: bounded heap, the REST JAAS file only when secure, marker at the end', () => {
    const base = {libDir: '/c/lib', logDir: '/d/connect/logs', logConfig: '/d/connect/log4j2.xml', workerProperties: '/d/connect/worker.properties', heap: '384m'}
    const args = connectJavaArgs(base)
    expect(args[0]).toBe('-Xmx384m')
    expect(args.some((a) => a.startsWith('-Djava.security.auth.login.config'))).toBe(false)
    expect(args.slice(-4)).toEqual(['-cp', '/c/lib/*', 'org.apache.kafka.connect.cli.ConnectDistributed', '/d/connect/worker.properties'])
    expect(args.join(' ')).toContain(connectMarker('/d/connect/worker.properties'))
    expect(connectJavaArgs({...base, restJaas: '/d/secure/jaas.conf'})).toContain('-Djava.security.auth.login.config=/d/secure/jaas.conf')
  })

  it('one Connect version for every connect-* artifact (4.4.0 runtime + 4.3.1 plugins does not start)', () => {
    const arts = connectArtifacts()
    expect(DEV_CONNECT_VERSION).toBe('4.3.1')
    expect(new Set(arts.filter((a) => a.groupId === 'org.apache.kafka').map((a) => a.version))).toEqual(new Set([DEV_CONNECT_VERSION]))
    expect(arts.map((a) => a.artifactId)).toEqual(expect.arrayContaining(['connect-runtime', 'connect-file', 'connect-mirror', 'connect-mirror-client', 'connect-basic-auth-extension', 'log4j-slf4j-impl']))
    const pom = renderArtifactsPom('connect-dist', DEV_CONNECT_VERSION, arts, 'x')
    expect(pom.match(/<dependency>/g)).toHaveLength(arts.length)
    expect(pom).toContain('<artifactId>connect-file</artifactId><version>4.3.1</version>')
  })
})

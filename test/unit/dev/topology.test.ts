import {describe, expect, it} from 'vitest'
import {clientBootstrap, controllerBootstrap, internalBootstrap, nodeJavaArgs, planLayout, renderLogConfig, renderServerProperties, tlsBootstrap} from '../../../src/dev/topology.js'
import {parseKafkaRelease} from '../../../src/dev/versions.js'
import {parseProperties} from './properties-text.js'

const v44 = parseKafkaRelease('4.4.0')
const v39 = parseKafkaRelease('3.9.1')

const props = parseProperties

const paths = {logDir: '/d/node-1/logs', dataDir: '/d/node-1/data', keystore: '/d/secure/broker-keystore.pem'}

describe('planLayout', () => {
  it('gives each node its own ports and --port to node 1 client listener', () => {
    const l = planLayout({kafkaVersion: '4.4.0', brokers: 3, secure: false, ports: [1, 2, 3, 4, 5, 6], firstPort: 9092})
    expect(l.nodes.map((n) => n.ports)).toEqual([{broker: 9092, controller: 2}, {broker: 3, controller: 4}, {broker: 5, controller: 6}])
    expect(clientBootstrap(l)).toEqual(['127.0.0.1:9092', '127.0.0.1:3', '127.0.0.1:5'])
  })

  it('secure: four listeners per node, clients get SASL ports, TLS separately', () => {
    const l = planLayout({kafkaVersion: '4.4.0', brokers: 1, secure: true, ports: [10, 11, 12, 13]})
    expect(l.nodes[0]!.ports).toEqual({broker: 10, controller: 11, sasl: 12, tls: 13})
    expect(clientBootstrap(l)).toEqual(['127.0.0.1:12'])
    expect(tlsBootstrap(l)).toEqual(['127.0.0.1:13'])
    expect(internalBootstrap(l)).toEqual(['127.0.0.1:10'])
  })

  it('refuses too few ports', () => {
    expect(() => planLayout({kafkaVersion: '4.4.0', brokers: 3, secure: true, ports: [1, 2, 3]})).toThrow(/12 ports needed/)
  })
})

describe('renderServerProperties', () => {
  it('five nodes on three racks: nodes 1-3 combined voters, 4-5 broker-only without a controller listener, racks round-robin', () => {
    const l = planLayout({kafkaVersion: '4.4.0', brokers: 5, secure: false, ports: Array.from({length: 10}, (_, i) => 100 + i), racks: ['a', 'b', 'c']})
    const all = l.nodes.map((n) => props(renderServerProperties(l, n, v44, paths)))
    expect(all.map((p) => p['process.roles'])).toEqual(['broker,controller', 'broker,controller', 'broker,controller', 'broker', 'broker'])
    expect(all.map((p) => p['broker.rack'])).toEqual(['a', 'b', 'c', 'a', 'b'])
    for (const p of all) expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:101,2@127.0.0.1:103,3@127.0.0.1:105')
    expect(all[3]!['listeners']).toBe('PLAINTEXT://127.0.0.1:106')
    expect(all[3]!['controller.listener.names']).toBe('CONTROLLER')
    expect(all[0]!['listeners']).toBe('PLAINTEXT://127.0.0.1:100,CONTROLLER://127.0.0.1:101')
    expect(all[0]!['offsets.topic.replication.factor']).toBe('3')
    expect(controllerBootstrap(l)).toEqual(['127.0.0.1:101', '127.0.0.1:103', '127.0.0.1:105'])
    const secure = planLayout({kafkaVersion: '4.4.0', brokers: 4, secure: true, ports: Array.from({length: 16}, (_, i) => 200 + i)})
    const p4 = props(renderServerProperties(secure, secure.nodes[3]!, v44, {...paths, internal: {username: 'node', password: 'pw'}}))
    expect(p4['listeners']).toBe('INTERNAL://127.0.0.1:212,SASL://127.0.0.1:214,TLS://127.0.0.1:215')
    expect(p4['broker.rack']).toBeUndefined()
  })

  it('two nodes: one voter; more than five or fewer than one is refused', () => {
    const l = planLayout({kafkaVersion: '4.4.0', brokers: 2, secure: false, ports: [1, 2, 3, 4]})
    expect(l.nodes.map((n) => props(renderServerProperties(l, n, v44, paths))['process.roles'])).toEqual(['broker,controller', 'broker'])
    expect(props(renderServerProperties(l, l.nodes[1]!, v44, paths))['controller.quorum.voters']).toBe('1@127.0.0.1:2')
    expect(() => planLayout({kafkaVersion: '4.4.0', brokers: 6, secure: false, ports: Array.from({length: 12}, (_, i) => i)})).toThrow(/1 to 5 nodes/)
    expect(() => planLayout({kafkaVersion: '4.4.0', brokers: 0, secure: false, ports: []})).toThrow(/1 to 5 nodes/)
  })

  it('single node: dynamic quorum, RF 1 internal topics, share coordinator on 4.x', () => {
    const l = planLayout({kafkaVersion: '4.4.0', brokers: 1, secure: false, ports: [9001, 9002]})
    const p = props(renderServerProperties(l, l.nodes[0]!, v44, paths))
    expect(p['process.roles']).toBe('broker,controller')
    expect(p['controller.quorum.bootstrap.servers']).toBe('127.0.0.1:9002')
    expect(p['controller.quorum.voters']).toBeUndefined()
    expect(p['listeners']).toBe('PLAINTEXT://127.0.0.1:9001,CONTROLLER://127.0.0.1:9002')
    expect(p['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9001')
    expect(p['offsets.topic.replication.factor']).toBe('1')
    expect(p['transaction.state.log.min.isr']).toBe('1')
    expect(p['share.coordinator.state.topic.replication.factor']).toBe('1')
    expect(p['log.dirs']).toBe('/d/node-1/data')
    // ACLs can be stored and read back locally; the only (ANONYMOUS) client is a super user.
    expect(p['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer')
    expect(p['super.users']).toBe('User:ANONYMOUS')
    expect(p['allow.everyone.if.no.acl.found']).toBeUndefined()
  })

  it('three nodes: static voters, RF 3 / min ISR 2; 3.9 has no share coordinator keys', () => {
    const l = planLayout({kafkaVersion: '3.9.1', brokers: 3, secure: false, ports: [1, 2, 3, 4, 5, 6]})
    const p = props(renderServerProperties(l, l.nodes[1]!, v39, paths))
    expect(p['node.id']).toBe('2')
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:2,2@127.0.0.1:4,3@127.0.0.1:6')
    expect(p['controller.quorum.bootstrap.servers']).toBeUndefined()
    expect(p['offsets.topic.replication.factor']).toBe('3')
    expect(p['transaction.state.log.min.isr']).toBe('2')
    expect(Object.keys(p).some((k) => k.startsWith('share.'))).toBe(false)
  })

  it('secure: every listener authenticates, ANONYMOUS is no super user, INTERNAL/CONTROLLER use the nodes\' PLAIN user', () => {
    const l = planLayout({kafkaVersion: '4.4.0', brokers: 1, secure: true, ports: [10, 11, 12, 13]})
    const internal = {username: 'broker', password: 'b0b'}
    const p = props(renderServerProperties(l, l.nodes[0]!, v44, {...paths, internal}))
    const map = Object.fromEntries(p['listener.security.protocol.map']!.split(',').map((e) => e.split(':') as [string, string]))
    expect(map).toEqual({INTERNAL: 'SASL_PLAINTEXT', CONTROLLER: 'SASL_PLAINTEXT', SASL: 'SASL_PLAINTEXT', TLS: 'SASL_SSL'})
    // Every listener is named in the map, so none falls back to PLAINTEXT.
    for (const l2 of p['listeners']!.split(',')) {
      expect(l2).toMatch(/\/\/127\.0\.0\.1:/)
      expect(map[l2.split(':')[0]!]).toMatch(/^SASL_/)
    }
    expect(p['inter.broker.listener.name']).toBe('INTERNAL')
    expect(p['sasl.mechanism.inter.broker.protocol']).toBe('PLAIN')
    expect(p['sasl.mechanism.controller.protocol']).toBe('PLAIN')
    expect(p['listener.name.internal.sasl.enabled.mechanisms']).toBe('PLAIN')
    expect(p['listener.name.controller.sasl.enabled.mechanisms']).toBe('PLAIN')
    const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="b0b" user_broker="b0b";'
    expect(p['listener.name.internal.plain.sasl.jaas.config']).toBe(jaas)
    expect(p['listener.name.controller.plain.sasl.jaas.config']).toBe(jaas)
    expect(p['sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512,SCRAM-SHA-256')
    expect(p['advertised.listeners']).not.toContain('CONTROLLER')
    expect(p['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer')
    expect(p['allow.everyone.if.no.acl.found']).toBe('false')
    expect(p['super.users']).toBe('User:admin;User:broker')
    expect(p['super.users']).not.toMatch(/ANONYMOUS/)
    expect(p['listener.name.tls.ssl.keystore.type']).toBe('PEM')
    expect(p['listener.name.tls.ssl.keystore.location']).toBe('/d/secure/broker-keystore.pem')
  })

  it('secure without the internal credentials is refused (never a node without authentication)', () => {
    const l = planLayout({kafkaVersion: '4.4.0', brokers: 1, secure: true, ports: [10, 11, 12, 13]})
    expect(() => renderServerProperties(l, l.nodes[0]!, v44, paths)).toThrow(/internal credentials/)
  })
})

describe('log config and java command line', () => {
  it('log4j2 XML for 4.x, log4j 1 properties for 3.9, both writing server.log', () => {
    expect(renderLogConfig(v44, '/l/server.log')).toContain('fileName="/l/server.log"')
    expect(renderLogConfig(v39, '/l/server.log')).toContain('log4j.appender.server.File=/l/server.log')
  })

  it('bounded heap, G1, the right logging system property, kafka.Kafka last', () => {
    const o = {libDir: '/c/lib', logDir: '/l', logConfig: '/n/log4j2.xml', serverProperties: '/n/server.properties', heap: '512m'}
    const a44 = nodeJavaArgs(v44, o)
    expect(a44).toContain('-Xmx512m')
    expect(a44).toContain('-XX:+UseG1GC')
    expect(a44).toContain('-Dlog4j2.configurationFile=/n/log4j2.xml')
    expect(a44.slice(-4)).toEqual(['-cp', '/c/lib/*', 'kafka.Kafka', '/n/server.properties'])
    expect(nodeJavaArgs(v39, o)).toContain('-Dlog4j.configuration=file:/n/log4j2.xml')
  })
})

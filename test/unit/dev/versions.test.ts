import {describe, expect, it} from 'vitest'
import {StreamctlError} from '../../../src/errors.js'
import {parseKafkaRelease, renderPom} from '../../../src/dev/versions.js'

describe('parseKafkaRelease', () => {
  it.each([
    ['4.4.0', 'log4j2', 'org.apache.kafka.tools.ConfigCommand', 'org.apache.kafka.tools.AclCommand', ['log4j-slf4j-impl:2.25.3']],
    ['4.1.1', 'log4j2', 'kafka.admin.ConfigCommand', 'org.apache.kafka.tools.AclCommand', ['log4j-slf4j-impl:2.24.3']],
    ['4.0.0', 'log4j2', 'kafka.admin.ConfigCommand', 'org.apache.kafka.tools.AclCommand', ['log4j-slf4j-impl:2.24.3', 'log4j-api:2.24.3', 'log4j-core:2.24.3']],
    ['3.9.1', 'log4j1', 'kafka.admin.ConfigCommand', 'kafka.admin.AclCommand', ['slf4j-reload4j:1.7.36', 'reload4j:1.2.25']],
  ])('%s: logging, tool classes and extra artifacts', (version, flavour, configs, acls, extra) => {
    const r = parseKafkaRelease(version)
    expect(r.logFlavour).toBe(flavour)
    expect(r.tools.configs).toBe(configs)
    expect(r.tools.acls).toBe(acls)
    expect(r.tools.storage).toBe('kafka.tools.StorageTool')
    const coords = r.artifacts.map((a) => `${a.artifactId}:${a.version}`)
    expect(coords).toEqual([`kafka_2.13:${version}`, `kafka-tools:${version}`, ...extra])
  })

  it.each(['9.9.9', '3.8.0', '4.4', 'latest', '4.4.0-rc1', ''])('rejects %j as a usage error with a hint', (v) => {
    let err: unknown
    try { parseKafkaRelease(v) } catch (e) { err = e }
    expect(err).toBeInstanceOf(StreamctlError)
    expect((err as StreamctlError).code).toBe('USAGE')
    expect((err as StreamctlError).hint).toMatch(/3\.9.*4\.4/)
  })

  it('renders a pom that lists exactly the release artifacts', () => {
    const pom = renderPom(parseKafkaRelease('3.9.1'))
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>3.9.1</version>')
    expect(pom).toContain('<groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version>')
    expect(pom.match(/<dependency>/g)).toHaveLength(4)
  })
})

describe('newClusterId', () => {
  it('never starts with "-" (the storage tool would take it for a flag), as Kafka\'s Uuid.randomUuid', async () => {
    const {newClusterId} = await import('../../../src/dev/up.js')
    // 0xf8 as first byte encodes to "-" in base64url; the second draw does not.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)]
    const id = newClusterId(() => draws.shift()!)
    expect(id.startsWith('-')).toBe(false)
    expect(draws).toHaveLength(0)
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true)
  })
})

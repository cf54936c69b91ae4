import {describe, expect, it} from 'vitest'
import {translateError, type ConnectionContext} from '../../../src/cluster/connection-errors.js'
import {KafkaApiError, kafkaErrorName, throwIfErrors} from '../../../src/cluster/errors.js'

const ctx: ConnectionContext = {environment: 'prod', bootstrap: ['k1:9092', 'k2:9092'], saslUser: 'admin', saslMechanism: 'scram-sha-512', secrets: ['hunter2']}

/** Errors shaped as kafkajs 2.2.4 throws them (name, type/code, originalError chain). */
function kjs(name: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message ?? name)), {name, ...fields})
}

describe('Kafka error codes', () => {
  it('names codes from kafkajs table and our additions, with the retriable flag', () => {
    expect(kafkaErrorName(36)).toEqual({name: 'TOPIC_ALREADY_EXISTS', retriable: false})
    expect(kafkaErrorName(3)).toEqual({name: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true})
    expect(kafkaErrorName(85).name).toBe('NO_REASSIGNMENT_IN_PROGRESS')
    expect(kafkaErrorName(9999).name).toBe('KAFKA_ERROR_9999')
  })

  it('throws one KafkaApiError per response, naming the resource, with the others attached', () => {
    let caught: unknown
    try {
      throwIfErrors('IncrementalAlterConfigs', [
        {code: 0, resource: 'topic ok'},
        {code: 40, message: 'Unknown topic config name: x', resource: 'topic a'},
        {code: 3, resource: 'topic b'},
      ])
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(KafkaApiError)
    const e = caught as KafkaApiError
    expect(e).toMatchObject({code: 'KAFKA_ERROR', kafkaCode: 40, kafkaName: 'INVALID_CONFIG', resource: 'topic a', exitCode: 1})
    expect(e.message).toBe('IncrementalAlterConfigs failed for topic a: INVALID_CONFIG: Unknown topic config name: x (and 1 more: topic b)')
    expect(e.hint).toMatch(/config key/)
    expect(e.others.map((o) => o.kafkaName)).toEqual(['UNKNOWN_TOPIC_OR_PARTITION'])
  })

  it('ignores the codes it is told to (ELECTION_NOT_NEEDED for preferred elections)', () => {
    expect(() => throwIfErrors('ElectLeaders', [{code: 84}], ['ELECTION_NOT_NEEDED'])).not.toThrow()
  })
})

describe('connection errors', () => {
  it('connection refused → CLUSTER_UNREACHABLE naming environment and bootstrap', () => {
    const err = kjs('KafkaJSNumberOfRetriesExceeded', {originalError: kjs('KafkaJSConnectionError', {message: 'Connection error: connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED'})})
    const e = translateError(err, ctx, 'Metadata')
    expect(e.code).toBe('CLUSTER_UNREACHABLE')
    expect(e.message).toBe('cannot reach the Kafka cluster of environment "prod" (bootstrap k1:9092,k2:9092): ECONNREFUSED')
    expect(e.hint).toBeTruthy()
  })

  it('SASL failure → CLUSTER_AUTH without the password, even if the library echoed it', () => {
    const err = kjs('KafkaJSSASLAuthenticationError', {message: 'SASL SCRAM SHA512 authentication failed: bad password hunter2'})
    const e = translateError(err, ctx, 'Metadata')
    expect(e.code).toBe('CLUSTER_AUTH')
    expect(e.message).toContain('as user "admin"')
    expect(JSON.stringify({m: e.message, h: e.hint, c: String((e.cause as Error).message)})).not.toContain('hunter2')
  })

  it('TLS verification failure → CLUSTER_UNREACHABLE with a TLS hint', () => {
    const e = translateError(kjs('KafkaJSConnectionError', {code: 'DEPTH_ZERO_SELF_SIGNED_CERT'}), ctx, 'Metadata')
    expect(e.message).toMatch(/TLS handshake .* failed: DEPTH_ZERO_SELF_SIGNED_CERT/)
    expect(e.hint).toMatch(/caFile/)
  })

  it('kafkajs aggregate of create-topic errors → one KafkaApiError per topic', () => {
    const agg = Object.assign(new Error('agg'), {name: 'KafkaJSAggregateError', errors: [
      kjs('KafkaJSCreateTopicError', {type: 'TOPIC_ALREADY_EXISTS', code: 36, topic: 'a'}),
      kjs('KafkaJSCreateTopicError', {type: 'INVALID_REPLICATION_FACTOR', code: 38, topic: 'b'}),
    ]})
    const e = translateError(agg, ctx, 'CreateTopics') as KafkaApiError
    expect(e).toBeInstanceOf(KafkaApiError)
    expect(e.resource).toBe('topic a')
    expect(e.others[0]?.kafkaName).toBe('INVALID_REPLICATION_FACTOR')
  })
})

describe('errors that are not the cluster\'s fault', () => {
  it('a programming error stays INTERNAL rather than posing as an unreachable cluster', () => {
    const e = translateError(Object.assign(new TypeError('bad arg'), {code: 'ERR_INVALID_ARG_TYPE'}), ctx, 'Metadata')
    expect(e.code).toBe('INTERNAL')
  })

  it('a DNS failure is CLUSTER_UNREACHABLE', () => {
    const e = translateError(kjs('KafkaJSConnectionError', {code: 'ENOTFOUND'}), ctx, 'Metadata')
    expect(e).toMatchObject({code: 'CLUSTER_UNREACHABLE', message: expect.stringContaining('ENOTFOUND')})
  })
})

import {describe, expect, it} from 'vitest'
import {decodeResponseBody, encodeRequestBody} from '../../../src/cluster/protocol/api.js'
import {AlterUserScramCredentials} from '../../../src/cluster/protocol/alter-user-scram-credentials.js'
import {DescribeUserScramCredentials} from '../../../src/cluster/protocol/describe-user-scram-credentials.js'
import {saltedPassword} from '../../../src/cluster/scram.js'
import {hex} from './hex.js'

describe('DescribeUserScramCredentials (50) v0', () => {
  it('encodes all users (null) and named users', () => {
    expect(encodeRequestBody(DescribeUserScramCredentials, 0, {users: null})).toEqual(hex('00', '00', '00'))
    expect(encodeRequestBody(DescribeUserScramCredentials, 0, {users: ['bob']})).toEqual(hex('00', '02', '04 626f62', '00', '00'))
  })

  it('decodes credentials and a per-user error', () => {
    const payload = hex('00', '00000000', '0000', '00', '03',
      '04 626f62', '0000', '00', '02', '02 00001000 00', '00',
      '04 616e6e', '005b', '00', '01', '00', '00')
    expect(decodeResponseBody(DescribeUserScramCredentials, 0, payload).results).toEqual([
      {user: 'bob', errorCode: 0, errorMessage: null, credentials: [{mechanism: 2, iterations: 4096}]},
      {user: 'ann', errorCode: 91, errorMessage: null, credentials: []},
    ])
  })
})

describe('AlterUserScramCredentials (51) v0', () => {
  it('encodes deletions and upsertions with salt and salted password as compact bytes', () => {
    const body = encodeRequestBody(AlterUserScramCredentials, 0, {
      deletions: [{user: 'a', mechanism: 1}],
      upsertions: [{user: 'b', mechanism: 2, iterations: 4096, salt: hex('0102'), saltedPassword: hex('0304')}],
    })
    expect(body).toEqual(hex('00', '02', '02 61 01 00', '02', '02 62 02 00001000 03 0102 03 0304 00', '00'))
  })

  it('decodes per-user results', () => {
    expect(decodeResponseBody(AlterUserScramCredentials, 0, hex('00', '00000000', '02', '02 62 0000 00 00', '00')).results)
      .toEqual([{user: 'b', errorCode: 0, errorMessage: null}])
  })

  it('salts passwords with PBKDF2 of the mechanism hash (RFC 5802 Hi), sized to the digest', async () => {
    const salt = Buffer.from('salt')
    // PBKDF2-HMAC-SHA256("password", "salt", 1, 32): the published test vector (RFC 7914 §11 lists the same PBKDF2).
    expect((await saltedPassword('SCRAM-SHA-256', 'password', salt, 1)).toString('hex'))
      .toBe('120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b')
    expect(await saltedPassword('SCRAM-SHA-512', 'password', salt, 1)).toHaveLength(64)
  })
})

describe('SCRAM alteration rounds', () => {
  it('never alters one user twice in a request (Kafka answers DUPLICATE_RESOURCE)', async () => {
    const {scramRounds} = await import('../../../src/cluster/scram.js')
    const rounds = scramRounds([
      {kind: 'delete', user: 'a', mechanism: 'SCRAM-SHA-256'},
      {kind: 'delete', user: 'a', mechanism: 'SCRAM-SHA-512'},
      {kind: 'delete', user: 'b', mechanism: 'SCRAM-SHA-512'},
    ])
    expect(rounds.map((r) => r.map((a) => `${a.user}/${a.mechanism}`))).toEqual([['a/SCRAM-SHA-256', 'b/SCRAM-SHA-512'], ['a/SCRAM-SHA-512']])
  })

  it('cuts 12,000 users with two mechanisms into requests within the controller\'s record budget', async () => {
    const {scramRequests} = await import('../../../src/cluster/scram.js')
    const {RECORD_BUDGET_PER_REQUEST} = await import('../../../src/cluster/batching.js')
    const alterations = Array.from({length: 12_000}, (_, i) => [
      {kind: 'upsert' as const, user: `u${i}`, mechanism: 'SCRAM-SHA-512' as const, iterations: 4096, password: 'p'},
      {kind: 'upsert' as const, user: `u${i}`, mechanism: 'SCRAM-SHA-256' as const, iterations: 4096, password: 'p'},
    ]).flat()
    const requests = scramRequests(alterations)
    expect(requests.length).toBe(6)
    for (const r of requests) {
      expect(r.length).toBeLessThanOrEqual(RECORD_BUDGET_PER_REQUEST)
      expect(new Set(r.map((a) => a.user)).size).toBe(r.length)
    }
    expect(requests.flat()).toHaveLength(alterations.length)
  })
})

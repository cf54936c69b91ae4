import {describe, expect, it} from 'vitest'
import {chooseVersion} from '../../../src/cluster/protocol/api.js'
import {DescribeLogDirs} from '../../../src/cluster/protocol/describe-log-dirs.js'
import {Reader, Writer} from '../../../src/cluster/protocol/wire.js'
import {hex} from './hex.js'

describe('wire primitives', () => {
  it('writes and reads multi-byte unsigned varints (compact lengths above 127)', () => {
    const w = new Writer(true).uvarint(300).uvarint(127).uvarint(2 ** 28)
    expect(w.toBuffer()).toEqual(hex('ac02', '7f', '8080808001'))
    const r = new Reader(w.toBuffer(), true)
    expect([r.uvarint(), r.uvarint(), r.uvarint()]).toEqual([300, 127, 2 ** 28])
  })

  it('encodes a compact array of 200 strings with a two-byte length', () => {
    const names = Array.from({length: 200}, () => 'x')
    const buf = new Writer(true).array(names, (w, n) => w.string(n)).toBuffer()
    expect(buf.subarray(0, 4)).toEqual(hex('c901', '02 78'))
    expect(new Reader(buf, true).array((r) => r.string())).toEqual(names)
  })

  it('refuses a null where a string is required', () => {
    expect(() => new Reader(hex('ffff'), false).string()).toThrow(/null where a string is required/)
  })
})

describe('version choice', () => {
  it('takes the highest version both sides implement', () => {
    expect(chooseVersion(DescribeLogDirs, {minVersion: 1, maxVersion: 5})).toBe(4)
    expect(chooseVersion(DescribeLogDirs, {minVersion: 0, maxVersion: 2})).toBe(2)
  })

  it('finds none when the ranges do not overlap or the broker lacks the API', () => {
    expect(chooseVersion(DescribeLogDirs, {minVersion: 5, maxVersion: 6})).toBeUndefined()
    expect(chooseVersion(DescribeLogDirs, {minVersion: 0, maxVersion: 0})).toBeUndefined()
    expect(chooseVersion(DescribeLogDirs, undefined)).toBeUndefined()
  })
})

/**
 * What streamctl compresses, judged by the reference decoders — the C libraries the broker itself
 * decodes with (lz4 via lz4-java's JNI, libzstd via zstd-jni, zlib) and cramjam's snappy — through
 * Python, not by the JS decoders written beside our encoders. A round trip through our own reader
 * once hid an lz4 compressor that broke the LZ4 spec's end-of-block rule: the broker refused one
 * batch in ~25 as corrupt. Payloads are generated (fast-check, seed logged) from incompressible to
 * runs of one byte, with record-batch-like mixtures between.
 */
import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'
import {compressRecords, prepareCodec} from '../../../src/cluster/protocol/compression.js'
import {run} from '../dev/clients.js'
import {pythonBin} from '../harness.js'

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
const RUNS = Number(process.env.FC_RUNS ?? 120)
console.info(`compression conformance: FC_SEED=${seed} FC_RUNS=${RUNS}`)

/** `n` bytes from a small PRNG (xorshift32) seeded by fast-check: random bytes without fast-check drawing each one. */
function noise(seedWord: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n)
  let x = seedWord | 1
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

// Sizes are drawn explicitly: fast-check's default sizes stay small, and what breaks a codec
// (a block boundary, a match at a block's end) sits beyond 64 KB.
const piece = fc.oneof(
  fc.tuple(fc.integer(), fc.integer({min: 1, max: 60})).map(([s, n]) => noise(s, n)),
  fc.integer({min: 0, max: 400}).map((n) => Buffer.alloc(n)),
  fc.record({id: fc.integer(), name: fc.string({maxLength: 12})}).map((o) => Buffer.from(JSON.stringify(o))),
)
const payload = fc.oneof(
  fc.tuple(fc.integer(), fc.integer({min: 0, max: 300_000})).map(([s, n]) => noise(s, n)),
  fc.tuple(fc.integer({min: 0, max: 255}), fc.integer({min: 0, max: 300_000})).map(([b, n]) => Buffer.alloc(n, b)),
  fc.integer({min: 1, max: 6000}).chain((n) => fc.array(piece, {minLength: n, maxLength: n})).map((parts) => Buffer.concat(parts)),
)

/** Decodes each file with the reference decoder of its codec and prints its sha256, one per line. */
const DECODE = `
import gzip, hashlib, struct, sys, lz4.frame, zstandard, cramjam
def unsnappy(b):
    assert b[:8] == b'\\x82SNAPPY\\x00', 'not xerial framing'
    out, i = bytearray(), 16
    while i < len(b):
        (n,) = struct.unpack('>i', b[i:i + 4]); i += 4
        out += bytes(cramjam.snappy.decompress_raw(b[i:i + n])); i += n
    return bytes(out)
decode = {'gzip': gzip.decompress, 'snappy': unsnappy, 'lz4': lz4.frame.decompress,
          'zstd': lambda b: zstandard.ZstdDecompressor().decompressobj().decompress(b)}
for path in sys.argv[1:]:
    codec = path.rsplit('.', 1)[1]
    try:
        print(hashlib.sha256(decode[codec](open(path, 'rb').read())).hexdigest())
    except Exception as e:
        print('error: %s: %s' % (type(e).__name__, e))
`

const CODECS = [[1, 'gzip'], [2, 'snappy'], [3, 'lz4'], [4, 'zstd']] as const

describe('compressed record sections decode with the reference decoders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamctl-codecs-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it.each(CODECS)('%s (%s): every generated payload decodes to the same bytes', async (codec, name) => {
    await prepareCodec(codec)
    const samples = fc.sample(payload, {seed: seed + codec, numRuns: RUNS})
    const files = samples.map((data, i) => {
      const file = join(dir, `${i}.${name}`)
      writeFileSync(file, compressRecords(codec, data))
      return file
    })
    const r = await run(pythonBin(), ['-c', DECODE, ...files])
    expect(r.code, r.stderr).toBe(0)
    const got = r.stdout.trim().split('\n')
    const want = samples.map((d) => createHash('sha256').update(d).digest('hex'))
    const wrong = want.flatMap((h, i) => (got[i] === h ? [] : [`payload ${i} (${samples[i]!.length} bytes): ${got[i]}`]))
    expect(wrong, `FC_SEED=${seed}: ${name} output the reference decoder refused or decoded differently`).toEqual([])
  }, 120_000)
})

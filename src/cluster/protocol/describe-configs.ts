import type {ApiDefinition} from './api.js'
import type {Reader} from './wire.js'

/** DescribeConfigs (32) v1–v4: v1 adds sources and synonyms (v0 is gone from Kafka 4), v4 is flexible. */
export const RESOURCE_TYPE_TOPIC = 2
export const RESOURCE_TYPE_BROKER = 4

export interface DescribeConfigsRequest {
  readonly resources: readonly {readonly type: number; readonly name: string; readonly keys: readonly string[] | null}[]
  readonly includeSynonyms: boolean
}

export interface ConfigSynonym {
  readonly name: string
  readonly value: string | null
  readonly source: number
}

export interface DescribedConfig {
  readonly name: string
  readonly value: string | null
  readonly readOnly: boolean
  readonly source: number
  readonly sensitive: boolean
  readonly synonyms: readonly ConfigSynonym[]
}

export interface DescribeConfigsResult {
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly type: number
  readonly name: string
  readonly configs: readonly DescribedConfig[]
}

export interface DescribeConfigsResponse {
  readonly throttleTimeMs: number
  readonly results: readonly DescribeConfigsResult[]
}

export const DescribeConfigs: ApiDefinition<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 1,
  maxVersion: 4,
  firstFlexibleVersion: 4,
  encode(w, version, req) {
    w.array(req.resources, (w, res) => {
      w.int8(res.type).string(res.name).array(res.keys, (w, k) => w.string(k)).tags()
    })
    w.bool(req.includeSynonyms)
    if (version >= 3) w.bool(false) // IncludeDocumentation: we never show it, and it is large.
    w.tags()
  },
  decode(r, version) {
    const throttleTimeMs = r.int32()
    const results = r.array((r) => decodeResult(r, version))
    r.tags()
    return {throttleTimeMs, results}
  },
}

/**
 * The same request, but each resource is handed to `visit` as soon as it is decoded and not kept
 * in the response: with hundreds of topics per response, the decoded entries then die young
 * instead of piling up in the old generation (the peak RSS of a 10,000-topic plan).
 */
export function describeConfigsVisiting(visit: (result: DescribeConfigsResult) => void): ApiDefinition<DescribeConfigsRequest, DescribeConfigsResponse> {
  return {
    ...DescribeConfigs,
    decode(r, version) {
      const throttleTimeMs = r.int32()
      r.array((r) => { visit(decodeResult(r, version, true)); return null })
      r.tags()
      return {throttleTimeMs, results: []}
    },
  }
}

/**
 * With `inheritedOnly`, a config keeps just its first synonym that is not topic-level (what a topic
 * inherits, the one thing observation reads from synonyms); the others are skipped undecoded.
 */
function decodeResult(r: Reader, version: number, inheritedOnly = false): DescribeConfigsResult {
  const errorCode = r.int16()
  const errorMessage = r.nullableString()
  const type = r.int8()
  const name = r.string()
  const configs = r.array((r) => {
    const cname = r.string()
    const value = r.nullableString()
    const readOnly = r.bool()
    const source = r.int8()
    const sensitive = r.bool()
    const synonyms = inheritedOnly ? inheritedSynonym(r) : r.array((r) => {
      const s = {name: r.string(), value: r.nullableString(), source: r.int8()}
      r.tags()
      return s
    })
    if (version >= 3) {
      r.int8() // ConfigType
      r.nullableString() // Documentation
    }
    r.tags()
    return {name: cname, value, readOnly, source, sensitive, synonyms}
  })
  r.tags()
  return {errorCode, errorMessage, type, name, configs}
}

const SOURCE_TOPIC = 1

function inheritedSynonym(r: Reader): ConfigSynonym[] {
  const count = r.flexible ? r.uvarint() - 1 : r.int32()
  const kept: ConfigSynonym[] = []
  for (let i = 0; i < count; i++) {
    const name = r.skipNullableString()
    const value = r.skipNullableString()
    const source = r.int8()
    r.tags()
    if (kept.length === 0 && source !== SOURCE_TOPIC && name) kept.push({name: r.text(name), value: value && r.text(value), source})
  }
  return kept
}

import {Reader, Writer} from './wire.js'

/**
 * One Kafka API as we speak it: the versions we implement, which of them are flexible, and a pure
 * encoder/decoder of the request and response *bodies* for a given version. Framing (the request
 * header and the flexible header's tagged fields) is done by `encodeRequestBody`/`decodeResponseBody`,
 * so the per-API files only describe their own fields.
 */
export interface ApiDefinition<Req, Res> {
  readonly apiKey: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  readonly firstFlexibleVersion: number
  encode(w: Writer, version: number, request: Req): void
  decode(r: Reader, version: number): Res
}

export function isFlexible(api: ApiDefinition<unknown, unknown>, version: number): boolean {
  return version >= api.firstFlexibleVersion
}

/** The highest version both sides implement, or undefined when there is none. */
export function chooseVersion(
  api: ApiDefinition<unknown, unknown>,
  broker: {minVersion: number; maxVersion: number} | undefined,
): number | undefined {
  if (!broker) return undefined
  const v = Math.min(api.maxVersion, broker.maxVersion)
  return v >= Math.max(api.minVersion, broker.minVersion) ? v : undefined
}

/**
 * The request body as it follows kafkajs's header (api key, version, correlation id, client id):
 * flexible versions use request header v2, which is v1 plus a tagged-field section, so an empty
 * one (0x00) goes first.
 */
export function encodeRequestBody<Req>(api: ApiDefinition<Req, unknown>, version: number, request: Req): Buffer {
  const flexible = isFlexible(api as ApiDefinition<unknown, unknown>, version)
  const w = new Writer(flexible)
  if (flexible) w.tags()
  api.encode(w, version, request)
  return w.toBuffer()
}

/** kafkajs hands us the bytes after the correlation id; flexible responses (header v1) start with tagged fields. */
export function decodeResponseBody<Res>(api: ApiDefinition<unknown, Res>, version: number, payload: Buffer): Res {
  const r = new Reader(payload, isFlexible(api as ApiDefinition<unknown, unknown>, version))
  r.tags()
  return api.decode(r, version)
}

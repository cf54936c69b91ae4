import {StreamctlError} from '../errors.js'
import {chooseVersion, decodeResponseBody, encodeRequestBody, type ApiDefinition} from './protocol/api.js'
import {kjsPayload, type KjsBroker} from './kafkajs-internals.js'

/** Sends one of our protocol requests over a kafkajs broker connection, at the highest version both sides know. */
export async function sendApi<Req, Res>(broker: KjsBroker, api: ApiDefinition<Req, Res>, request: Req): Promise<Res> {
  const version = chooseVersion(api as ApiDefinition<unknown, unknown>, broker.versions?.[api.apiKey])
  if (version === undefined) {
    throw new StreamctlError('KAFKA_ERROR', `broker ${broker.nodeId} does not support ${api.name} versions ${api.minVersion}–${api.maxVersion}`, {
      hint: 'this operation needs a newer Kafka (2.4+ for reassignments and leader election, 2.7+ for SCRAM and quotas, 2.8+ for DescribeCluster)',
    })
  }
  const result = await broker.connectionPool.send({
    request: {
      apiKey: api.apiKey,
      apiVersion: version,
      apiName: api.name,
      encode: async () => kjsPayload(encodeRequestBody(api, version, request)),
    },
    response: {
      decode: async (payload: Buffer) => decodeResponseBody(api, version, payload),
      parse: async (data: unknown) => data,
    },
  })
  return result as Res
}

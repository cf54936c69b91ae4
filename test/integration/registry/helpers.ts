import {startRegistry, type RunningRegistry} from '../../../src/registry/server.js'
import {singleCluster, uniquePrefix} from '../harness.js'

/** A registry on the shared single-node cluster, on its own log topic so tests never see each other's state. */
export async function testRegistry(topic = `${uniquePrefix('registry')}schemas`): Promise<RunningRegistry & {topic: string}> {
  const reg = await startRegistry({connection: singleCluster().connection, topic})
  return Object.assign(reg, {topic})
}

export interface Reply {
  status: number
  type: string
  body: any
}

/** One REST call the way Confluent's clients make it (their media type, JSON body). */
export async function call(url: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(url + path, {
    method,
    headers: {'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/vnd.schemaregistry.v1+json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // raw schema text
  }
  return {status: res.status, type: res.headers.get('content-type') ?? '', body: parsed}
}

export const avroRecord = (name: string, fields: object[]) => JSON.stringify({type: 'record', name, namespace: 'it.registry', fields})

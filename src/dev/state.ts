import {existsSync, readFileSync} from 'node:fs'
import {rename, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {StreamctlError} from '../errors.js'
import type {ClusterLayout} from './topology.js'

export const STATE_FORMAT_VERSION = 1
export const STATE_FILE = 'state.json'

/** What `dev up` remembers in the data dir; never contains a password (see credentials.json). */
export interface DevState {
  readonly formatVersion: number
  readonly clusterId: string
  readonly layout: ClusterLayout
  readonly heap: string
  readonly pids: Record<string, number | undefined>
  readonly registry?: {readonly port: number; readonly pid?: number}
  /** Set by `dev up --no-registry`; later `dev up`s keep it until `--registry` is given. */
  readonly noRegistry?: boolean
  /**
   * The Kafka Connect worker: set by the first `dev up --connect` (its REST port is kept from
   * then on); `enabled` is what later `dev up`s do until `--connect`/`--no-connect` changes it.
   */
  readonly connect?: {readonly enabled: boolean; readonly port: number; readonly heap: string; readonly pid?: number}
  /** Secure clusters: 0600 JSON file with the admin user and password. */
  readonly credentialsFile?: string
  readonly caFile?: string
}

export function statePath(dataDir: string): string {
  return join(dataDir, STATE_FILE)
}

export function readState(dataDir: string): DevState | undefined {
  const file = statePath(dataDir)
  if (!existsSync(file)) return undefined
  let parsed: DevState
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as DevState
  } catch (err) {
    throw new StreamctlError('DEV_CLUSTER', `${file}: not valid JSON`, {hint: 'run `streamctl dev reset` to start over (this wipes the dev cluster data)', cause: err})
  }
  if (parsed.formatVersion !== STATE_FORMAT_VERSION || !parsed.layout || !parsed.clusterId) {
    throw new StreamctlError('DEV_CLUSTER', `${file}: not a streamctl dev cluster state (formatVersion ${String(parsed.formatVersion)})`, {hint: 'run `streamctl dev reset` to start over'})
  }
  return parsed
}

/** Atomic replace, so a crash never leaves a half-written state file. */
export async function writeState(dataDir: string, state: DevState): Promise<void> {
  const file = statePath(dataDir)
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n')
  await rename(`${file}.tmp`, file)
}

import {join} from 'node:path'
import type {NodeLayout} from './topology.js'
import type {KafkaRelease} from './versions.js'

export const DEFAULT_DATA_DIR = '.streamctl/dev'

export interface NodeFiles {
  readonly root: string
  readonly serverProperties: string
  readonly logConfig: string
  readonly logDir: string
  /** Kafka's own log (server.log via the generated log config). */
  readonly logFile: string
  /** JVM stdout/stderr: crashes before logging starts land here. */
  readonly consoleFile: string
  readonly kafkaDataDir: string
}

export function nodeFiles(dataDir: string, node: NodeLayout, release: KafkaRelease): NodeFiles {
  const root = join(dataDir, node.dir)
  const logDir = join(root, 'logs')
  return {
    root,
    serverProperties: join(root, 'server.properties'),
    logConfig: join(root, release.logFlavour === 'log4j1' ? 'log4j.properties' : 'log4j2.xml'),
    logDir,
    logFile: join(logDir, 'server.log'),
    consoleFile: join(logDir, 'console.log'),
    kafkaDataDir: join(root, 'data'),
  }
}

export function secureDir(dataDir: string): string {
  return join(dataDir, 'secure')
}

export function registryLogFile(dataDir: string): string {
  return join(dataDir, 'registry.log')
}

/** Kafka client config for its own CLI tools on a secure cluster (0600). */
export function toolClientConfigFile(dataDir: string, tls: boolean): string {
  return join(secureDir(dataDir), tls ? 'client-tls.properties' : 'client.properties')
}

export interface ConnectFiles {
  readonly root: string
  readonly workerProperties: string
  readonly logConfig: string
  readonly logDir: string
  /** The worker's own log (connect.log via the generated log config). */
  readonly logFile: string
  /** JVM stdout/stderr: crashes before logging starts land here. */
  readonly consoleFile: string
}

/** The Connect worker's files; its connectors, offsets and statuses live in Kafka topics. */
export function connectFiles(dataDir: string): ConnectFiles {
  const root = join(dataDir, 'connect')
  const logDir = join(root, 'logs')
  return {
    root,
    workerProperties: join(root, 'worker.properties'),
    logConfig: join(root, 'log4j2.xml'),
    logDir,
    logFile: join(logDir, 'connect.log'),
    consoleFile: join(logDir, 'console.log'),
  }
}

/** Secure clusters: the JAAS file and the users file of the worker's REST Basic auth (0600). */
export function connectRestAuthFiles(dataDir: string): {readonly jaas: string; readonly users: string} {
  return {jaas: join(secureDir(dataDir), 'connect-rest-jaas.conf'), users: join(secureDir(dataDir), 'connect-rest-users.properties')}
}

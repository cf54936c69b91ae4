import {resolve} from 'node:path'
import {nodeMarker} from './info.js'
import {connectMarker} from './connect-worker.js'
import {connectFiles, nodeFiles} from './paths.js'
import {isOurProcess} from './process.js'
import {registryBootstrap, registryMarker} from './registry-process.js'
import {readState} from './state.js'
import {parseKafkaRelease} from './versions.js'

/**
 * Synchronous SIGKILL of every process of a dev cluster, for exit and signal handlers where
 * nothing asynchronous runs any more. Data may need recovery on the next start; never use it
 * where devDown can run.
 */
export function killClusterSync(dataDir: string): number {
  let killed = 0
  try {
    const dir = resolve(dataDir)
    const state = readState(dir)
    if (!state) return 0
    const release = parseKafkaRelease(state.layout.kafkaVersion)
    const targets: [number | undefined, string][] = state.layout.nodes.map((n) => [state.pids[String(n.id)], nodeMarker(nodeFiles(dir, n, release).serverProperties)])
    if (state.connect?.pid) targets.push([state.connect.pid, connectMarker(connectFiles(dir).workerProperties)])
    if (state.registry?.pid) targets.push([state.registry.pid, registryMarker(registryBootstrap(state.layout), state.registry.port)])
    for (const [pid, marker] of targets) {
      if (pid && isOurProcess(pid, marker)) {
        try { process.kill(pid, 'SIGKILL'); killed++ } catch { /* already gone */ }
      }
    }
  } catch { /* best effort: called while exiting */ }
  return killed
}

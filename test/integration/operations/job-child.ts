/**
 * A job in its own process, for the fault tests: kill -9 half-way, SIGTERM in follow mode.
 * argv[2] is JSON: {kind: 'migrate' | 'repartition', ...options, bootstrap | spec}. Progress events
 * and the final report are printed as JSON lines (this is a test fixture, not library code).
 */
import {interruptSignal} from '../../../src/operations/progress-view.js'
import {migrate} from '../../../src/operations/migrate.js'
import {repartition} from '../../../src/operations/repartition.js'

const args = JSON.parse(process.argv[2]!) as Record<string, any>
const {signal, dispose} = interruptSignal(process)
const onEvent = (e: unknown): void => {
  process.stdout.write(JSON.stringify(e) + '\n')
}
try {
  const report = args.kind === 'repartition'
    ? await repartition({...args, connection: args.connection, signal, onEvent} as never)
    : await migrate({...args, signal, onEvent} as never)
  process.stdout.write(JSON.stringify({type: 'report', report}) + '\n')
} catch (err) {
  process.stderr.write(`job failed: ${(err as Error).stack}\n`)
  process.exitCode = 1
} finally {
  dispose()
}

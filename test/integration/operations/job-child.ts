/**
 * A job in its own process, for the fault tests: kill -9 half-way, SIGTERM in follow mode.
 * argv[2] is JSON: {kind: 'migrate' | 'repartition' | 'derive-latest', ...options, bootstrap | spec}. Progress events
 * and the final report are printed as JSON lines (this is a test fixture, not library code).
 */
import {Secret} from '../../../src/model/secret.js'
import {interruptSignal} from '../../../src/operations/progress-view.js'
import {deriveLatest} from '../../../src/operations/derive-latest.js'
import {migrate} from '../../../src/operations/migrate.js'
import {repartition} from '../../../src/operations/repartition.js'

// `kind` picks the job; the rest are the job's options, exactly as an in-process call passes them.
const {kind, ...args} = JSON.parse(process.argv[2]!) as Record<string, any>
// A Secret serialises as <redacted>: the SASL password comes in an env var, as a user's would.
for (const side of ['source', 'target', 'connection']) {
  const sasl = args[side]?.spec?.sasl
  if (sasl) sasl.password = new Secret(process.env.JOB_CHILD_SASL_PASSWORD ?? '', 'env:JOB_CHILD_SASL_PASSWORD')
}
const {signal, dispose} = interruptSignal(process)
const onEvent = (e: unknown): void => {
  process.stdout.write(JSON.stringify(e) + '\n')
}
try {
  const report = kind === 'repartition'
    ? await repartition({...args, connection: args.connection, signal, onEvent} as never)
    : kind === 'derive-latest'
      ? await deriveLatest({...args, connection: args.connection, signal, onEvent} as never)
      : await migrate({...args, signal, onEvent} as never)
  process.stdout.write(JSON.stringify({type: 'report', report}) + '\n')
} catch (err) {
  // The message as a user would read it, for tests that judge its clarity (the stack goes to stderr).
  const e = err as Error & {code?: string; hint?: string}
  process.stdout.write(JSON.stringify({type: 'error', name: e.name, code: e.code, message: e.message, hint: e.hint}) + '\n')
  process.stderr.write(`job failed: ${(err as Error).stack}\n`)
  process.exitCode = 1
} finally {
  dispose()
  // Nothing of the job may keep the process alive: if something does, say what (unref'd, so this timer does not).
  setTimeout(() => process.stderr.write(`still running 10 s after the job ended; active: ${JSON.stringify(process.getActiveResourcesInfo())}\n`), 10_000).unref()
}

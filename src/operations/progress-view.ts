import {Listr, ProcessOutput} from 'listr2'
import {formatProgress, type JobEvent} from './progress.js'

/**
 * The listr2 view of a job's progress events. The command passes the stream (stderr, so that
 * stdout carries only the report or --json); this module never picks a terminal stream itself.
 * SIGINT/SIGTERM stay with the command (listr2's own signal listeners are off) so that an
 * interrupt finishes the in-flight transaction instead of killing the process.
 */
export async function withProgress<T>(
  title: string,
  stream: NodeJS.WriteStream,
  enabled: boolean,
  run: (onEvent: (e: JobEvent) => void) => Promise<T>,
): Promise<T> {
  if (!enabled) return run(() => {})
  let result: T | undefined
  const list = new Listr([{
    title,
    task: async (_ctx, task) => {
      let last = 0
      result = await run((e) => {
        const now = Date.now()
        if (e.type === 'status') task.output = e.message
        else if (now - last > (stream.isTTY ? 200 : 5000)) {
          last = now
          task.output = formatProgress(e)
        }
      })
    },
    rendererOptions: {persistentOutput: true},
  }], {
    registerSignalListeners: false,
    exitOnError: true,
    rendererOptions: {processOutput: new ProcessOutput(stream, stream)} as never,
    fallbackRendererOptions: {processOutput: new ProcessOutput(stream, stream)} as never,
    fallbackRendererCondition: () => !stream.isTTY,
  })
  await list.run()
  return result as T
}

/** An AbortSignal that fires on the first SIGINT/SIGTERM; a second one exits at once. */
export function interruptSignal(proc: NodeJS.Process): {signal: AbortSignal; dispose(): void} {
  const ac = new AbortController()
  const handler = (sig: NodeJS.Signals): void => {
    if (ac.signal.aborted) proc.exit(sig === 'SIGINT' ? 130 : 143)
    ac.abort()
  }
  proc.on('SIGINT', handler)
  proc.on('SIGTERM', handler)
  return {signal: ac.signal, dispose: () => {
    proc.off('SIGINT', handler)
    proc.off('SIGTERM', handler)
  }}
}

import {execCapture} from '../dev/exec.js'
import {StreamctlError} from '../errors.js'

export const GRAPHVIZ_HINT = 'install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install graphviz`), or use --format mermaid or --format dot'

/** Renders DOT text to SVG with Graphviz's `dot -Tsvg` from PATH. */
export async function renderSvgWithGraphviz(dotText: string, opts: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<string> {
  let result
  try {
    result = await execCapture('dot', ['-Tsvg'], {input: dotText, timeoutMs: opts.timeoutMs ?? 120_000, ...(opts.env ? {env: opts.env} : {})})
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StreamctlError('PREREQUISITE_MISSING', '--format svg needs Graphviz, and its `dot` program is not on PATH', {hint: GRAPHVIZ_HINT})
    }
    throw err
  }
  if (result.timedOut) throw new StreamctlError('INTERNAL', 'Graphviz `dot -Tsvg` did not finish within its time limit', {hint: 'select fewer topics with --topic, or write --format dot and render it yourself'})
  if (result.code !== 0) {
    throw new StreamctlError('INTERNAL', `Graphviz \`dot -Tsvg\` failed (exit ${result.code}): ${result.stderr.trim().split('\n').slice(0, 3).join(' | ')}`, {hint: 'write --format dot to see the input; this is a streamctl bug if the DOT text is not valid'})
  }
  return result.stdout
}

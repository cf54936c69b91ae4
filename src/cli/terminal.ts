import picocolors from 'picocolors'
import type {Styler} from '../render/styler.js'

/**
 * Colour only on a terminal (or when FORCE_COLOR asks for it), never because `CI` is set:
 * picocolors' own default colours piped output on CI, and `plan > plan.txt` must stay plain text.
 */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env, stdoutIsTTY = Boolean(process.stdout.isTTY)): boolean {
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false
  if (env.FORCE_COLOR !== undefined) return true
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return stdoutIsTTY && env.TERM !== 'dumb'
}

export function colors(): ReturnType<typeof picocolors.createColors> {
  return picocolors.createColors(colorEnabled())
}

export function terminalStyler(): Styler {
  const pc = colors()
  return {add: pc.green, change: pc.yellow, remove: pc.red, blocked: pc.magenta, dim: pc.dim, bold: pc.bold}
}

export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY)
}

/** Asks a yes/no question on the terminal; only "yes" proceeds, as with `terraform apply`. */
export async function askYes(question: string): Promise<boolean> {
  const {createInterface} = await import('node:readline/promises')
  const rl = createInterface({input: process.stdin, output: process.stdout})
  try {
    const answer = await rl.question(`${question} Only 'yes' will be accepted: `)
    return answer.trim() === 'yes'
  } finally {
    rl.close()
  }
}

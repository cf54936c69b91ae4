import pc from 'picocolors'
import type {Styler} from '../render/styler.js'

/** picocolors already honours NO_COLOR, FORCE_COLOR and whether stdout is a TTY. */
export function terminalStyler(): Styler {
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

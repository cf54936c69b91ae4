import {spawn} from 'node:child_process'

export interface ExecResult {
  code: number
  stdout: string
  stderr: string
  timedOut: boolean
}

/** Runs a program to completion, capturing output; a timeout kills it (no orphan is left). */
export function execCapture(cmd: string, args: readonly string[], opts: {timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string; input?: string}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL') }, opts.timeoutMs)
    child.on('error', (err) => { clearTimeout(timer); reject(err) })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code: code ?? (signal ? 128 : 1), stdout, stderr, timedOut})
    })
    // A program that exits before reading its input closes the pipe: the exit code says what happened, not EPIPE.
    child.stdin.on('error', () => {})
    if (opts.input !== undefined) child.stdin.end(opts.input)
    else child.stdin.end()
  })
}

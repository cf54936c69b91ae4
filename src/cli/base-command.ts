import {Command, Flags, Interfaces} from '@oclif/core'
import {DiagnosticsError, StreamctlError, formatDiagnostic} from '../errors.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

/**
 * Every streamctl command extends this. It owns the cross-cutting conventions documented in
 * the README: `--json` (the typed result of `run()` is printed as JSON), errors printed as
 * `file:line:col: message` + `hint:`, and the exit-code table (0 ok, 1 errors/findings, 2 usage).
 * Subclasses parse flags, call the library, and return a typed result.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {}

  /** Human output only: suppressed with --json, where the returned result is printed instead. */
  protected out(text: string): void {
    if (!this.jsonEnabled()) this.log(text)
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    if (err instanceof DiagnosticsError) {
      if (this.jsonEnabled()) {
        this.logJson({error: {code: err.code, message: err.message, diagnostics: err.diagnostics}})
      } else {
        for (const d of err.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n')
        process.stderr.write(`${err.message}\n`)
      }
      this.exit(err.exitCode)
    }
    if (err instanceof StreamctlError) {
      if (this.jsonEnabled()) {
        this.logJson({error: {code: err.code, message: err.message, hint: err.hint}})
      } else {
        process.stderr.write(`error: ${err.message}\n`)
        if (err.hint) process.stderr.write(`  hint: ${err.hint}\n`)
      }
      this.exit(err.exitCode)
    }
    // oclif's own parse errors (unknown flag, missing arg) are usage errors: exit 2.
    if (err.oclif?.exit === undefined && /Unexpected argument|Nonexistent flag|Missing required|Expected --|Parsing --/.test(err.message)) {
      err.oclif = {...err.oclif, exit: 2}
    }
    if (err.oclif === undefined) {
      // Anything else is a bug or an unmapped library failure: one line, the stack only on request.
      if (this.jsonEnabled()) this.logJson({error: {code: 'INTERNAL', message: err.message}})
      else process.stderr.write(`error: ${err.message}\n${process.env.STREAMCTL_DEBUG ? `${err.stack}\n` : '  hint: set STREAMCTL_DEBUG=1 for the stack trace\n'}`)
      this.exit(1)
    }
    return super.catch(err)
  }
}

/** Flags shared by every command that reads manifests. */
export const manifestFlags = {
  file: Flags.string({
    char: 'f',
    description: 'manifest file, directory or glob (repeatable)',
    multiple: true,
    default: ['./manifests'],
  }),
  env: Flags.string({char: 'e', description: 'environment name'}),
}

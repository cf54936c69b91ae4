/**
 * Where a job is in its life, in one place: `running` (fetching and processing), `draining`
 * (committing what is open, taking no new chunks), `stopping` (leaving the group: no joins, no new
 * producers) and `failed` (an error the job stops with). The first failure is the one reported; a
 * failure while stopping is kept too, so that leaving cannot hide it.
 */
export type JobPhaseName = 'running' | 'draining' | 'stopping' | 'failed'

export class JobPhase {
  private name: JobPhaseName = 'running'
  private cause: {readonly error: unknown} | undefined

  get current(): JobPhaseName { return this.name }
  get running(): boolean { return this.name === 'running' }
  /** Stopping or failed: nothing new is started (joins, producers, consumer restarts). */
  get leaving(): boolean { return this.name === 'stopping' || this.name === 'failed' }
  /** The error the job stops with, once one is recorded (a method: it changes under async code, so it must not be narrowed). */
  failure(): {readonly error: unknown} | undefined { return this.cause }

  fail(error: unknown): void {
    this.cause ??= {error}
    if (this.name !== 'stopping') this.name = 'failed'
  }

  drain(): void {
    if (this.name === 'running') this.name = 'draining'
  }

  stop(): void {
    if (this.name !== 'failed') this.name = 'stopping'
  }
}

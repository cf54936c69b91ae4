import Database from 'better-sqlite3'
import {randomUUID} from 'node:crypto'
import {mkdirSync} from 'node:fs'
import {homedir, hostname} from 'node:os'
import {join} from 'node:path'

/**
 * The transactional id of one job process (Kafka Streams' EOS v2 model: one transactional producer
 * per process, not per input partition). Kafka Streams names it `<application.id>-<process UUID>-<thread>`
 * and keeps the process UUID in its state directory (StateDirectory.initializeProcessId, which
 * refuses a second live instance on that directory): an instance restarted there reuses its ids and
 * fences its predecessor at once; anywhere else the zombie is fenced by the group generation only,
 * and its open transaction holds read_committed readers (and a requireStable offset read) until
 * transaction.timeout.ms aborts it. The same here, with no state directory to lock: the id is a
 * random UUID kept in a numbered slot on this host, a rerun after a kill takes over the dead
 * process's slot and its id, and its InitProducerId fences the predecessor at once. A second live
 * process takes the next slot instead of being refused. A slot whose holder is alive (this host) or cannot be checked
 * (another host's entry on a shared home) is never taken, so two live processes of a job never
 * share an id; slots are claimed inside an SQLite write transaction, which two processes cannot
 * hold at once.
 */
export interface ProcessTransactionalId {
  readonly transactionalId: string
  readonly slot: number
  /** Gives the slot back (the id stays in it for the next run on this host). */
  release(): void
}

export function defaultSlotDirectory(): string {
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'streamctl', 'jobs')
}

/** Whether a process with this pid runs on this host (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Claims the lowest free slot of `job` and returns its transactional id, `streamctl-<job>-<uuid>`.
 * `isAlive` and `host` are for tests.
 */
export function claimProcessTransactionalId(job: string, options: {readonly dir?: string; readonly isAlive?: (pid: number) => boolean; readonly host?: string; readonly pid?: number} = {}): ProcessTransactionalId {
  const dir = options.dir ?? defaultSlotDirectory()
  mkdirSync(dir, {recursive: true})
  const isAlive = options.isAlive ?? alive
  const host = options.host ?? hostname()
  const pid = options.pid ?? process.pid
  const token = randomUUID()
  const db = new Database(join(dir, 'producer-slots.db'), {timeout: 10_000})
  try {
    db.exec('CREATE TABLE IF NOT EXISTS slots (job TEXT NOT NULL, slot INTEGER NOT NULL, id TEXT NOT NULL, host TEXT, pid INTEGER, token TEXT, PRIMARY KEY (job, slot))')
    const claim = db.transaction((): {slot: number; id: string} => {
      const rows = db.prepare('SELECT slot, id, host, pid FROM slots WHERE job = ? ORDER BY slot').all(job) as {slot: number; id: string; host: string | null; pid: number | null}[]
      const free = rows.find((r) => r.pid === null || (r.host === host && !isAlive(r.pid)))
      if (free) {
        db.prepare('UPDATE slots SET host = ?, pid = ?, token = ? WHERE job = ? AND slot = ?').run(host, pid, token, job, free.slot)
        return {slot: free.slot, id: free.id}
      }
      let slot = 0
      while (rows.some((r) => r.slot === slot)) slot++
      const id = `streamctl-${job}-${randomUUID()}`
      db.prepare('INSERT INTO slots (job, slot, id, host, pid, token) VALUES (?, ?, ?, ?, ?, ?)').run(job, slot, id, host, pid, token)
      return {slot, id}
    })
    const {slot, id} = claim.immediate()
    return {
      transactionalId: id, slot,
      release: () => {
        const again = new Database(join(dir, 'producer-slots.db'), {timeout: 10_000})
        try {
          again.prepare('UPDATE slots SET pid = NULL, host = NULL, token = NULL WHERE job = ? AND slot = ? AND token = ?').run(job, slot, token)
        } finally {
          again.close()
        }
      },
    }
  } finally {
    db.close()
  }
}

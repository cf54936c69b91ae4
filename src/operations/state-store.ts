import Database from 'better-sqlite3'
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'

/**
 * The disk-resident state of `derive latest`: the latest version written per entity, plus the
 * input positions that state corresponds to. It is a cache of the output topic — the log is the
 * truth — so it is rebuilt from the output whenever its positions differ from the group's
 * committed offsets (missing file, crash between the Kafka commit and the local write, a reset).
 * SQLite keeps it on disk, so state size is bounded by disk, not memory.
 */
export class LatestStateStore {
  readonly path: string
  readonly #db: Database.Database
  readonly #get: Database.Statement<[string], {version: number}>
  readonly #put: Database.Statement<[string, number]>
  readonly #pos: Database.Statement<[number, number]>

  constructor(dir: string) {
    mkdirSync(dir, {recursive: true})
    this.path = join(dir, 'state.db')
    this.#db = new Database(this.path)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS latest (entity TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS positions (partition INTEGER PRIMARY KEY, next_offset INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
    `)
    this.#get = this.#db.prepare('SELECT version FROM latest WHERE entity = ?')
    this.#put = this.#db.prepare('INSERT INTO latest (entity, version) VALUES (?, ?) ON CONFLICT(entity) DO UPDATE SET version = excluded.version WHERE excluded.version > latest.version')
    this.#pos = this.#db.prepare('INSERT INTO positions (partition, next_offset) VALUES (?, ?) ON CONFLICT(partition) DO UPDATE SET next_offset = excluded.next_offset')
  }

  version(entity: string): number | undefined {
    return this.#get.get(entity)?.version
  }

  /** Versions and the input position they reach, in one local transaction. */
  commit(versions: ReadonlyMap<string, number>, positions: ReadonlyMap<number, number>): void {
    this.#db.transaction(() => {
      for (const [e, v] of versions) this.#put.run(e, v)
      for (const [p, o] of positions) this.#pos.run(p, o)
    })()
  }

  positions(): Map<number, number> {
    const rows = this.#db.prepare('SELECT partition, next_offset FROM positions').all() as {partition: number; next_offset: number}[]
    return new Map(rows.map((r) => [r.partition, r.next_offset]))
  }

  meta(key: string): string | undefined {
    return (this.#db.prepare('SELECT v FROM meta WHERE k = ?').get(key) as {v: string} | undefined)?.v
  }

  reset(meta: Record<string, string>): void {
    this.#db.transaction(() => {
      this.#db.exec('DELETE FROM latest; DELETE FROM positions; DELETE FROM meta;')
      const ins = this.#db.prepare('INSERT INTO meta (k, v) VALUES (?, ?)')
      for (const [k, v] of Object.entries(meta)) ins.run(k, v)
    })()
  }

  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM latest').get() as {n: number}).n
  }

  close(): void {
    this.#db.close()
  }
}

/** Positions agree when every partition the group has committed matches (absent = not started). */
export function positionsMatch(store: ReadonlyMap<number, number>, committed: ReadonlyMap<number, number>): boolean {
  const keys = new Set([...store.keys(), ...committed.keys()])
  for (const k of keys) {
    const a = store.get(k) ?? -1
    const b = committed.get(k) ?? -1
    if (a !== b) return false
  }
  return true
}

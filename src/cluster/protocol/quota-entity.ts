import type {Reader, Writer} from './wire.js'

/** The entity list shared by DescribeClientQuotas and AlterClientQuotas; a null name is the default entity. */
export interface QuotaEntityData {
  readonly entityType: string
  readonly entityName: string | null
}

export function writeEntity(w: Writer, entity: readonly QuotaEntityData[]): void {
  w.array(entity, (w, e) => w.string(e.entityType).string(e.entityName).tags())
}

export function readEntity(r: Reader): QuotaEntityData[] {
  return r.array((r) => {
    const e = {entityType: r.string(), entityName: r.nullableString()}
    r.tags()
    return e
  })
}

import type {SchemaType} from '../../model/state.js'

/** A schema as the registry returns it for an id, with its references resolved (dependencies first). */
export interface FetchedSchema {
  readonly id: number
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: readonly {readonly name: string; readonly schema: string}[]
}

/** A parsed schema of one format, known by its registry id. */
export interface FormatSchema {
  readonly id: number
}

import type {SchemaReference, SchemaType} from '../model/state.js'

/** A schema as a subject version or an id holds it (the text is stored as registered, canonicalised). */
export interface StoredSchema {
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: readonly SchemaReference[]
}

/** A referenced schema's text under the name the referencing schema imports it by. */
export interface ResolvedReference {
  readonly name: string
  readonly schemaType: SchemaType
  readonly schema: string
}

export const REGISTRY_MODES = ['READWRITE', 'READONLY', 'IMPORT'] as const
export type RegistryMode = (typeof REGISTRY_MODES)[number]

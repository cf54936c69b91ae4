/**
 * Confluent Schema Registry's error contract: HTTP status plus `{error_code, message}`.
 * Clients (kafkajs' and Confluent's) branch on `error_code`, so the numbers must match Confluent's.
 */
export const REGISTRY_ERROR_CODES = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  VERSION_SOFT_DELETED: 40406,
  VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED: 40408,
  SUBJECT_LEVEL_MODE_NOT_CONFIGURED: 40409,
  INCOMPATIBLE_SCHEMA: 409,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  INVALID_MODE: 42204,
  OPERATION_NOT_PERMITTED: 42205,
  REFERENCE_EXISTS: 42206,
  ID_DOES_NOT_MATCH: 42207,
  INVALID_SUBJECT: 42208,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  STORE_ERROR: 50001,
  OPERATION_TIMEOUT: 50002,
} as const

export class RegistryHttpError extends Error {
  readonly status: number
  readonly errorCode: number

  constructor(errorCode: number, message: string) {
    super(message)
    this.name = 'RegistryHttpError'
    this.errorCode = errorCode
    // Confluent: 404xx → 404, 422xx → 422, 500xx → 500, and the bare codes map to themselves.
    this.status = errorCode >= 10000 ? Math.floor(errorCode / 100) : errorCode
  }

  toJSON(): {error_code: number; message: string} {
    return {error_code: this.errorCode, message: this.message}
  }
}

const E = REGISTRY_ERROR_CODES
export const subjectNotFound = (s: string) => new RegistryHttpError(E.SUBJECT_NOT_FOUND, `Subject '${s}' not found.`)
export const versionNotFound = (v: number | string) => new RegistryHttpError(E.VERSION_NOT_FOUND, `Version ${v} not found.`)
export const schemaNotFound = (detail = 'Schema not found') => new RegistryHttpError(E.SCHEMA_NOT_FOUND, detail)
export const invalidSchema = (detail: string) => new RegistryHttpError(E.INVALID_SCHEMA, `Invalid schema: ${detail}`)
export const invalidVersion = (v: string) =>
  new RegistryHttpError(
    E.INVALID_VERSION,
    `The specified version '${v}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  )
export const notPermitted = (detail: string) => new RegistryHttpError(E.OPERATION_NOT_PERMITTED, detail)

import {evaluatePath, parseJsonPath, type PathSegment} from './json-path.js'

/**
 * A new key taken from the (JSON) value: strings as they are, numbers/booleans as their text,
 * objects and arrays as compact JSON. A missing or null key is an error for the record (it goes
 * to the dead-letter topic when there is one): silently writing a null key would scatter a key's
 * records over partitions and break per-key order.
 */
export class KeyExtractionError extends Error {}

export interface KeyExtractor {
  readonly expression: string
  extract(value: Buffer | null): string
}

export function createKeyExtractor(expression: string): KeyExtractor {
  const path: PathSegment[] = parseJsonPath(expression)
  return {
    expression,
    extract(value) {
      if (value === null) throw new KeyExtractionError(`record has no value to take the key '${expression}' from`)
      let parsed: unknown
      try {
        parsed = JSON.parse(value.toString('utf8'))
      } catch {
        throw new KeyExtractionError('value is not JSON')
      }
      const v = evaluatePath(parsed, path)
      if (v === undefined || v === null) throw new KeyExtractionError(`key path '${expression}' is missing or null in the value`)
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)
    },
  }
}

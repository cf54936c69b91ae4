import {evaluatePath, parseJsonPath, type PathSegment} from './json-path.js'
import {jsonScalarText, parseJsonBytes} from './json-value.js'

/**
 * A new key taken from the (JSON) value: strings as they are, numbers as their exact text (read
 * without rounding, so `12345678901234567891` stays that), booleans as their text, objects and
 * arrays as compact JSON. The value must be UTF-8 JSON; nothing else of the record is decoded. A missing or null key is an error for the record (it goes
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
        parsed = parseJsonBytes(value)
      } catch (err) {
        throw new KeyExtractionError((err as Error).message)
      }
      const v = evaluatePath(parsed, path)
      if (v === undefined || v === null) throw new KeyExtractionError(`key path '${expression}' is missing or null in the value`)
      return jsonScalarText(v)
    },
  }
}

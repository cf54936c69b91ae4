/** Byte fixtures are written as spaced hex, field by field, straight from Kafka's message JSON. */
export function hex(...parts: string[]): Buffer {
  return Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex')
}

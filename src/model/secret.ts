/**
 * A secret value (SASL password, registry token). It cannot be printed by accident: string
 * conversion, JSON and util.inspect all show a placeholder. Only `reveal()` gives the value,
 * and only code that hands it to a client library should call it.
 */
export const REDACTED = '<redacted>'

export class Secret {
  readonly #value: string
  /** Where the value came from (`env:NAME`, `file:path`, `inline`), safe to show. */
  readonly origin: string

  constructor(value: string, origin: string) {
    this.#value = value
    this.origin = origin
  }

  reveal(): string {
    return this.#value
  }

  toString(): string {
    return REDACTED
  }

  toJSON(): string {
    return REDACTED
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.origin})`
  }
}

export function isSecret(v: unknown): v is Secret {
  return v instanceof Secret
}

import {StreamctlError} from '../errors.js'
import {Secret} from '../model/secret.js'

/**
 * A secret whose source was missing when manifests were loaded for offline use (validate, lint,
 * render). It prints like any Secret; only handing it to a client fails, naming the source.
 */
export class UnresolvedSecret extends Secret {
  constructor(origin: string) {
    super('', origin)
  }

  override reveal(): string {
    throw new StreamctlError('MANIFEST_INVALID', `secret ${this.origin} is not available`, {
      hint: this.origin.startsWith('env:') ? `export ${this.origin.slice(4)} before connecting` : 'create the secret file before connecting',
    })
  }
}

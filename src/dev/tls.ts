import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {StreamctlError} from '../errors.js'
import {execCapture} from './exec.js'

export interface DevTlsFiles {
  readonly caFile: string
  /** Broker certificate chain + PKCS#8 key in one PEM file, as Kafka's PEM keystore wants. */
  readonly keystore: string
}

/** A throwaway CA and a broker certificate for 127.0.0.1 (hostname verification stays on). */
export async function ensureDevTls(dir: string): Promise<DevTlsFiles> {
  const caFile = join(dir, 'ca.pem')
  const keystore = join(dir, 'broker-keystore.pem')
  try {
    await readFile(keystore)
    return {caFile, keystore}
  } catch { /* first start: generate */ }
  await mkdir(dir, {recursive: true, mode: 0o700})
  const run = async (args: string[]) => {
    let r
    try {
      r = await execCapture('openssl', args, {timeoutMs: 60_000, cwd: dir})
    } catch {
      throw new StreamctlError('PREREQUISITE_MISSING', 'openssl was not found on PATH (needed by `dev up --secure` to generate certificates)', {hint: 'install openssl (Debian/Ubuntu: apt-get install openssl)'})
    }
    if (r.code !== 0) throw new StreamctlError('DEV_CLUSTER', `openssl ${args[0]} failed: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`)
  }
  await writeFile(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n')
  await run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=streamctl dev CA'])
  await run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'broker.key', '-out', 'broker.csr', '-subj', '/CN=127.0.0.1'])
  await run(['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'broker.crt', '-days', '825', '-extfile', 'san.cnf'])
  const [crt, ca, key] = await Promise.all(['broker.crt', 'ca.pem', 'broker.key'].map((f) => readFile(join(dir, f), 'utf8')))
  await writeFile(keystore, `${crt}${ca}${key}`, {mode: 0o600})
  await Promise.all(['ca.key', 'broker.key'].map((f) => chmod(join(dir, f), 0o600)))
  return {caFile, keystore}
}

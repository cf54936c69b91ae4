/**
 * `npm run test:clients`: provisions the tests' independent clients (see clients.ts) and prints
 * where they are; exits non-zero when the Python environment cannot be built.
 */
import {provisionClients} from './clients.js'

const log = (line: string) => process.stderr.write(`test clients: ${line}\n`)
try {
  const c = await provisionClients({log})
  process.stdout.write(`python: ${c.python}\n`)
  process.stdout.write(c.kcat ? `kcat: ${c.kcat}\n` : `kcat: missing (${c.kcatMissing}); the kcat checks will skip\n`)
  process.stdout.write(c.chromium ? `chromium: ${c.chromium}\n` : `chromium: missing (${c.chromiumMissing}); the Mermaid rendering check will skip\n`)
} catch (err) {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
}

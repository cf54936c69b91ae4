/**
 * The test command provisions its own independent clients (test/provision/clients.ts): the Python
 * the tests run is the cached virtual environment's, with confluent-kafka from PyPI, and a machine
 * without kcat gets a skip that says how to install it.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {PYTHON_REQUIREMENT, pythonEnvDir, clientsCacheDir} from '../../provision/clients.js'
import {kcatBin, pythonBin} from '../harness.js'
import {run} from './clients.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

describe('the tests provision their own clients', () => {
  it('python is the cached venv (not the system interpreter) and imports the pinned confluent-kafka', async () => {
    const python = pythonBin()
    expect(python).toBe(join(pythonEnvDir(clientsCacheDir()), 'bin', 'python'))
    const r = await run(python, ['-c', 'import sys, json, confluent_kafka; from confluent_kafka.schema_registry.avro import AvroSerializer; print(json.dumps([sys.prefix, sys.base_prefix, confluent_kafka.version()]))'])
    expect(r.code, r.stderr).toBe(0)
    const [prefix, basePrefix, version] = JSON.parse(r.stdout) as [string, string, string]
    expect(prefix).toBe(pythonEnvDir(clientsCacheDir()))
    expect(basePrefix).not.toBe(prefix)
    expect(PYTHON_REQUIREMENT).toContain(`==${version}`)
  })

  it('with kcat hidden from PATH and apt not permitted, setup reports it missing with how to install it', async () => {
    // A PATH holding only node and python3: no kcat anywhere, so the kcat checks would skip.
    const bin = mkdtempSync(join(tmpdir(), 'streamctl-nokcat-'))
    try {
      symlinkSync(process.execPath, join(bin, 'node'))
      const out = await new Promise<{code: number; stdout: string; stderr: string}>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'test/provision/cli.ts')], {
          cwd: ROOT, env: {...process.env, PATH: `${bin}:${dirname(pythonBin())}`, STREAMCTL_TEST_APT: '0'}, timeout: 60_000,
        }, (err, stdout, stderr) => resolve({code: err ? 1 : 0, stdout, stderr}))
      })
      expect(out.code, out.stderr).toBe(0)
      expect(out.stdout).toContain(`python: ${pythonBin()}`)
      expect(out.stdout).toMatch(/kcat: missing \(kcat is not on PATH; install kcat \(Debian\/Ubuntu: `sudo apt-get install kcat`/)
      expect(out.stdout).toContain('the kcat checks will skip')
      expect(out.stdout).toMatch(/chromium: missing \(chromium is not on PATH; install Chromium \(Debian: `sudo apt-get install chromium`/)
      expect(out.stdout).toContain('the Mermaid rendering check will skip')
    } finally {
      rmSync(bin, {recursive: true, force: true})
    }
  })

  it('kcat, where present, is resolved to an absolute path that runs', async () => {
    const kcat = kcatBin()
    if (!kcat) return
    const r = await run(kcat, ['-V'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/librdkafka/)
  })
})

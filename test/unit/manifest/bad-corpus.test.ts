import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {DiagnosticsError, StreamctlError, formatDiagnostic} from '../../../src/errors.js'
import {lintManifests} from '../../../src/lint/lint-manifests.js'
import {checkManifests} from '../../../src/manifest/check-manifests.js'

/**
 * The bad-manifest corpus: each directory under test/fixtures/manifests/bad is one broken estate
 * with `expected.txt`, the exact output (file:line:col: message + hint) the check must produce.
 * `case.json` may pick the command (validate | lint), the environment and the process env.
 * Set UPDATE_GOLDENS=1 to rewrite goldens (then review the diff by hand).
 */
const ROOT = path.resolve(import.meta.dirname, '../../fixtures/manifests/bad')
const cases = readdirSync(ROOT).filter((d) => existsSync(path.join(ROOT, d, 'expected.txt')) || process.env.UPDATE_GOLDENS)

interface CaseMeta {command?: 'validate' | 'lint'; env?: string; processEnv?: Record<string, string>}

async function runCase(dir: string): Promise<{output: string; result?: unknown}> {
  const meta: CaseMeta = existsSync(path.join(dir, 'case.json')) ? JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) : {}
  const opts = {files: ['.'], cwd: dir, env: meta.env, processEnv: meta.processEnv ?? {}}
  try {
    if (meta.command === 'lint') {
      const r = await lintManifests(opts)
      if (r.errors > 0) throw new DiagnosticsError(r.findings, 'LINT_FINDINGS')
      return {output: r.findings.map(formatDiagnostic).join('\n'), result: r}
    }
    const r = await checkManifests(opts)
    return {output: '', result: r}
  } catch (e) {
    if (e instanceof DiagnosticsError) return {output: e.diagnostics.map(formatDiagnostic).join('\n') + `\n${e.message} (exit ${e.exitCode})`}
    if (e instanceof StreamctlError) return {output: `error: ${e.message}\n  hint: ${e.hint}\n(${e.code}, exit ${e.exitCode})`}
    throw e
  }
}

describe('bad manifest corpus', () => {
  it('has at least 30 distinct cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30)
  })

  for (const name of cases) {
    it(name, async () => {
      const dir = path.join(ROOT, name)
      const {output, result} = await runCase(dir)
      // Nothing half-loaded: a broken estate yields no result at all.
      expect(result).toBeUndefined()
      const golden = path.join(dir, 'expected.txt')
      if (process.env.UPDATE_GOLDENS) writeFileSync(golden, output + '\n')
      expect(output + '\n').toBe(readFileSync(golden, 'utf8'))
      // Secrets given through the environment never reach output.
      expect(output).not.toContain('hunter2')
    })
  }
})

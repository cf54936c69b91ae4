// Cold start-up of the built CLI: `streamctl --help` and `validate` on the examples, median of
// RUNS fresh processes each, printed with the ratio to a bare `node -e 0`. Target: --help <= 300 ms.
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const RUNS = Number(process.env.RUNS ?? 10)
const TARGET_HELP_MS = 300

if (!existsSync(`${root}dist/commands/validate.js`) || !existsSync(`${root}oclif.manifest.json`)) {
  console.log('dist/ or oclif.manifest.json missing: building (tsc + oclif manifest)')
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], {cwd: root, stdio: 'inherit'})
  execFileSync('npx', ['oclif', 'manifest'], {cwd: root, stdio: 'inherit'})
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

function time(args, expectStatus = 0) {
  const ms = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, args, {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== expectStatus) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  }
  return median(ms)
}

const base = time(['-e', '0'])
const rows = [
  ['node -e 0', base],
  ['streamctl --help', time(['bin/run.js', '--help'])],
  ['streamctl validate -f manifests/examples', time(['bin/run.js', 'validate', '-f', 'manifests/examples'])],
]
console.log(`median of ${RUNS} cold runs`)
for (const [name, ms] of rows) console.log(`${name.padEnd(42)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / base).toFixed(2)}x node`)
const help = rows[1][1]
console.log(`--help target ${TARGET_HELP_MS} ms: ${help <= TARGET_HELP_MS ? 'met' : 'MISSED'}`)
process.exitCode = help <= TARGET_HELP_MS ? 0 : 1

#!/usr/bin/env -S node --import tsx
/* global process, URL */
// Runs the CLI from TypeScript sources without a build: used by dev up to spawn the registry when
// dist is absent, and by the dev-cluster tests. bin/dev.js falls back to dist for commands added
// after the last build, because the tsx registration inside oclif fails when tsx is already
// loaded; pointing the command discovery at the sources (tsx is loaded) sidesteps that.
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Config, flush, handle, run} from '@oclif/core'

const root = fileURLToPath(new URL('../../', import.meta.url))
const pjson = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))
pjson.oclif.commands = './src/commands'
try {
  const config = await Config.load({root, pjson, ignoreManifest: true})
  await run(process.argv.slice(2), config)
  await flush()
} catch (err) {
  await handle(err)
}

#!/usr/bin/env -S node --import tsx
// Runs the CLI from TypeScript sources for the dev-cluster tests. bin/dev.js falls back to dist here
// because the tsx registration inside oclif fails when tsx is already loaded; pointing the command
// discovery at the sources (tsx is loaded) sidesteps that without a build.
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Config, flush, handle, run} from '@oclif/core'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const pjson = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))
pjson.oclif.commands = './src/commands'
try {
  const config = await Config.load({root, pjson, ignoreManifest: true})
  await run(process.argv.slice(2), config)
  await flush()
} catch (err) {
  await handle(err)
}

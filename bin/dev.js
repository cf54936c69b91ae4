#!/usr/bin/env -S node --import tsx
// Development entry: runs the CLI from the TypeScript sources, no build and no command manifest.
// Command discovery points at src/commands directly (tsx is already loaded by --import), rather
// than relying on oclif registering a TypeScript loader itself, which breaks with some tsx releases.
// Also used by dev up to spawn the registry when dist is absent, and by the tests.
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Config, flush, handle, run} from '@oclif/core'

const root = fileURLToPath(new URL('../', import.meta.url))
const pjson = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))
pjson.oclif.commands = './src/commands'
try {
  const config = await Config.load({root, pjson, ignoreManifest: true})
  await run(process.argv.slice(2), config)
  await flush()
} catch (err) {
  await handle(err)
}

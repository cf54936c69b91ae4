#!/usr/bin/env -S node --import tsx
// Development entry: runs the CLI from the TypeScript sources, no build and no command manifest.
// Command discovery points at src/commands directly (tsx is already loaded by --import), rather
// than relying on oclif registering a TypeScript loader itself, which breaks with some tsx releases.
// Also used by dev up to spawn the registry when dist is absent, and by the tests.
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Config, Plugin, flush, handle, run} from '@oclif/core'

const root = fileURLToPath(new URL('../', import.meta.url))
const pjson = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))
pjson.oclif.commands = './src/commands'
try {
  // The root plugin is built here because Config.load does not pass ignoreManifest on: with an
  // oclif.manifest.json present it would load the compiled dist/ commands and run stale code.
  const rootPlugin = new Plugin({root, pjson, isRoot: true, ignoreManifest: true})
  await rootPlugin.load()
  const config = await Config.load({root, pjson, plugins: new Map([[rootPlugin.name, rootPlugin]])})
  await run(process.argv.slice(2), config)
  await flush()
} catch (err) {
  await handle(err)
}

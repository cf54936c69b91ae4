#!/usr/bin/env -S node --import tsx
// Runs the CLI from src/commands. bin/dev.js currently falls back to dist/ because the tsx
// registration done by oclif fails with tsx 4.23 (ERR_MODULE_NOT_FOUND in the tsx CJS api);
// this loader points oclif at the sources directly, with tsx already loaded by --import.
import {readFileSync} from 'node:fs'
import {Config, flush, handle, run} from '@oclif/core'

const root = new URL('../../../', import.meta.url).pathname
const pjson = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))
pjson.oclif = {...pjson.oclif, commands: './src/commands'}
try {
  await run(process.argv.slice(2), await Config.load({root, pjson}))
  await flush()
} catch (error) {
  await handle(error)
}

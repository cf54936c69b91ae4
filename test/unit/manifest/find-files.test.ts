import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {StreamctlError} from '../../../src/errors.js'
import {findManifestFiles} from '../../../src/manifest/find-files.js'

const root = path.resolve(import.meta.dirname, '../../..')

describe('findManifestFiles', () => {
  it('expands directories recursively, files and globs, sorted and de-duplicated', async () => {
    const all = await findManifestFiles(['manifests/examples'], root)
    expect(all).toContain('manifests/examples/environments.yaml')
    expect(all.every((f) => /\.ya?ml$/.test(f))).toBe(true) // the .avsc/.json schema files are not manifests
    expect(all).toEqual([...all].sort())
    const mixed = await findManifestFiles(['manifests/examples/services.yaml', 'manifests/examples/topics-*.yaml', 'manifests/examples/services.yaml'], root)
    expect(mixed).toEqual(['manifests/examples/services.yaml', 'manifests/examples/topics-customers.yaml', 'manifests/examples/topics-fulfilment.yaml',
      'manifests/examples/topics-orders.yaml', 'manifests/examples/topics-payments.yaml'])
  })
  it('fails on a path or glob that matches nothing', async () => {
    await expect(findManifestFiles(['nope/'], root)).rejects.toThrow(StreamctlError)
    await expect(findManifestFiles(['manifests/examples/*.toml'], root)).rejects.toThrow(/no manifest files/)
    await expect(findManifestFiles(['./manifests'], mkdtempSync(path.join(tmpdir(), 'manifest-empty-')))).rejects.toMatchObject({code: 'MANIFEST_NOT_FOUND', hint: expect.stringContaining('-f PATH')})
  })
})

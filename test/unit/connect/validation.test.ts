import {describe, expect, it} from 'vitest'
import type {ConfigValidation} from '../../../src/connect/connect-client.js'
import {definitionsOf, validationDiagnostics} from '../../../src/connect/validation.js'
import type {ConnectorSpec} from '../../../src/model/connector.js'
import {Secret} from '../../../src/model/secret.js'

const at = (line: number, column: number) => ({file: 'c.yaml', line, column})

/** The shape a 4.3.1 worker answers (trimmed to the fields used). */
function verdict(entries: [name: string, type: string, dflt: string | null, errors: string[], doc?: string][]): ConfigValidation {
  return {name: 'x', error_count: entries.reduce((n, e) => n + e[3].length, 0), configs: entries.map(([name, type, dflt, errors, doc]) => ({
    definition: {name, type, required: false, default_value: dflt, documentation: doc ?? ''}, value: {name, value: null, errors, visible: true},
  }))}
}

const c: ConnectorSpec = {
  name: 'orders-archive', className: 'FileStreamSink', tasks: 2, state: 'running', location: at(3, 7),
  config: {topics: 't', 'db.password': new Secret('pw-987', 'env:PW')},
  keyLocations: {'connector.class': at(5, 10), 'tasks.max': at(6, 10), topics: at(8, 13), 'db.password': at(9, 18), name: at(3, 7)},
}

describe('validationDiagnostics', () => {
  it('puts each error at the line that declares the key, names the field, and cuts secrets from what the worker says', () => {
    const ds = validationDiagnostics(c, verdict([
      ['tasks.max', 'INT', '1', ['Invalid value many for configuration tasks.max'], 'Maximum number of tasks to use for this connector. More text.'],
      ['db.password', 'PASSWORD', null, ['Invalid value pw-987: too short']],
      ['file', 'STRING', null, ['Missing required configuration "file" which has no default value.'], 'Destination filename.'],
      ['topics', 'LIST', '', []],
    ]))
    expect(ds.map((d) => [d.location?.line, d.message])).toEqual([
      [6, 'spec.tasks: Invalid value many for configuration tasks.max'],
      [9, 'spec.config.db.password: Invalid value <redacted>: too short'],
      [3, 'spec.config.file: Missing required configuration "file" which has no default value.'],
    ])
    expect(ds[0]!.hint).toBe('the FileStreamSink plugin refuses this value; tasks.max: Maximum number of tasks to use for this connector.')
    expect(ds[2]!.hint).toBe('add spec.config.file to the Connector (Destination filename.)')
    expect(ds.every((d) => d.severity === 'error' && d.resource === 'Connector/orders-archive' && d.rule === 'connector-validate')).toBe(true)
    expect(JSON.stringify(ds)).not.toContain('pw-987')
  })

  it('definitionsOf gives the planner each key\'s default and type', () => {
    expect(definitionsOf(verdict([['batch.size', 'INT', '2000', []], ['db.password', 'PASSWORD', null, []]]))).toEqual({
      'batch.size': {default: '2000', type: 'INT'}, 'db.password': {default: null, type: 'PASSWORD'},
    })
  })
})

import {describe, expect, it} from 'vitest'
import {Secret} from '../../../src/model/secret.js'
import {planConnectors} from '../../../src/plan/connector-plan.js'
import {renderConnectorPlanText} from '../../../src/render/connector-plan-text.js'

const loc = {file: 'c.yaml', line: 1, column: 1}
const SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector'

describe('renderConnectorPlanText', () => {
  it('one line per action with its risk, config below with secrets as their origin, unmanaged last', () => {
    const plan = planConnectors({
      desired: [
        {name: 'archive', className: SINK, state: 'paused', config: {topics: 't', 'db.password': new Secret('pw-1', 'env:DB_PW')}, location: loc, keyLocations: {}},
        {name: 'lines', className: 'FileStreamSource', tasks: 1, state: 'running', config: {topic: 't', file: '/b'}, location: loc, keyLocations: {}},
      ],
      observed: [
        {name: 'lines', config: {'connector.class': 'FileStreamSource', 'tasks.max': '1', name: 'lines', topic: 't', file: '/a'}, state: 'PAUSED', tasks: []},
        {name: 'old', config: {'connector.class': SINK, name: 'old'}, state: 'RUNNING', tasks: []},
        {name: 'theirs', config: {'connector.class': SINK, name: 'theirs'}, state: 'RUNNING', tasks: []},
      ],
      definitions: {}, pruneConnectors: ['old'],
    })
    expect(renderConnectorPlanText(plan)).toBe([
      `    + create connector archive (${SINK}, paused)`,
      `        connector.class = "${SINK}"`,
      '        db.password = (secret from env:DB_PW)',
      '        topics = "t"',
      '    ~ update connector lines  [disruptive]',
      '        file: "/a" → "/b"',
      '    ~ resume connector lines (paused)',
      '    - delete connector old  [destructive]',
      '    unmanaged (left alone): theirs',
      '',
    ].join('\n'))
    expect(renderConnectorPlanText(plan)).not.toContain('pw-1')
    expect(renderConnectorPlanText({actions: [], unmanaged: []})).toBe('No connector changes. The Connect cluster matches the manifests.\n')
  })
})

import {describe, expect, it} from 'vitest'
import {connectorSecretVariable, exportConnectors} from '../../../src/export/export-connectors.js'

const SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector'

describe('exportConnectors', () => {
  it('writes class, tasks, non-default config and the held state; never a PASSWORD value', () => {
    const docs = exportConnectors([
      {name: 'b-sink', config: {'connector.class': SINK, name: 'b-sink', 'tasks.max': '2', topics: 't', 'batch.size': '2000', 'db.password': 'pw-secret-1'}, state: 'PAUSED', tasks: []},
      {name: 'a-src', config: {'connector.class': 'FileStreamSource', name: 'a-src', 'tasks.max': '1', file: '/f'}, state: 'RUNNING', tasks: []},
    ], {'b-sink': {'batch.size': {default: '2000', type: 'INT'}, 'db.password': {default: null, type: 'PASSWORD'}}, 'a-src': {'tasks.max': {default: '1', type: 'INT'}}})
    expect(docs).toEqual([
      {apiVersion: 'streamctl/v1', kind: 'Connector', metadata: {name: 'a-src'}, spec: {class: 'FileStreamSource', config: {file: '/f'}}},
      {apiVersion: 'streamctl/v1', kind: 'Connector', metadata: {name: 'b-sink'}, spec: {class: SINK, tasks: 2, state: 'paused', config: {'db.password': '${env:STREAMCTL_CONNECTOR_B_SINK_DB_PASSWORD}', topics: 't'}}},
    ])
    expect(JSON.stringify(docs)).not.toContain('pw-secret-1')
    expect(connectorSecretVariable('shop.orders-archive', 'connection.password')).toBe('STREAMCTL_CONNECTOR_SHOP_ORDERS_ARCHIVE_CONNECTION_PASSWORD')
  })

  it('a credential in a key the plugin does not define (a MirrorMaker 2 client login) is never written either', () => {
    const docs = exportConnectors([{name: 'replica-x', state: 'RUNNING', tasks: [], config: {
      'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector', name: 'replica-x',
      'source.cluster.sasl.jaas.config': 'ScramLoginModule required username="a" password="pw-secret-2";', topics: 't',
    }}], {})
    expect(docs[0]!.spec).toMatchObject({config: {'source.cluster.sasl.jaas.config': '${env:STREAMCTL_CONNECTOR_REPLICA_X_SOURCE_CLUSTER_SASL_JAAS_CONFIG}', topics: 't'}})
    expect(JSON.stringify(docs)).not.toContain('pw-secret-2')
  })
})

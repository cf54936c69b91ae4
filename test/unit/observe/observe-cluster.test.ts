import {describe, expect, it} from 'vitest'
import type {AdminGateway} from '../../../src/cluster/gateway.js'
import {observeCluster} from '../../../src/observe/observe-cluster.js'

/** Records which topics each call asked about; answers like a one-broker cluster would. */
function recordingGateway(names: string[]): {gateway: AdminGateway; asked: {configs: string[]}} {
  const asked = {configs: [] as string[]}
  const gateway = {
    describeCluster: async () => ({clusterId: 'c', controllerId: 1, brokers: [{nodeId: 1, host: 'h', port: 1, rack: null}]}),
    describeAllTopics: async () => names.map((name) => ({name, internal: name.startsWith('__'), partitions: [{partition: 0, leader: 1, replicas: [1], isr: [1]}]})),
    describeTopicConfigs: async (ts: string[]) => {
      asked.configs.push(...ts)
      return new Map(ts.map((t) => [t, {'retention.ms': {value: '1000', source: 'TOPIC', readOnly: false, sensitive: false, synonyms: []}}]))
    },
    listPartitionReassignments: async () => [],
  } as unknown as AdminGateway
  return {gateway, asked}
}

describe('observeCluster', () => {
  it('reads configs only for the topics the config filter keeps, and still lists the others by layout', async () => {
    const {gateway, asked} = recordingGateway(['a', 'b', '__consumer_offsets'])
    const state = await observeCluster(gateway, {topicFilter: (n) => !n.startsWith('__'), configFilter: (n) => n === 'a'})
    expect(asked.configs).toEqual(['a'])
    expect(state.topics.map((t) => [t.name, t.partitions, t.config])).toEqual([['a', 1, {'retention.ms': '1000'}], ['b', 1, {}]])
  })

  it('reads every observed topic\'s configs without a config filter', async () => {
    const {gateway, asked} = recordingGateway(['a', 'b'])
    await observeCluster(gateway)
    expect(asked.configs).toEqual(['a', 'b'])
  })
})

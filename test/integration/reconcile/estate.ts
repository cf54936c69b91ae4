import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {TestCluster} from '../harness.js'

export const PASSWORD_VAR = 'IT_KAFKA_PASSWORD'

/** An Environment pointing at a test cluster; the password comes from an env var, never the file. */
/** An Environment for `cluster` pruning `prefix`; `extraSpec` is more of its spec, as indented YAML lines. */
export function environmentYaml(name: string, cluster: TestCluster, prefix: string, extraSpec = ''): string {
  const kafka = cluster.adminCredentials
    ? `  kafka:
    bootstrap: [${cluster.bootstrap.join(', ')}]
    tls: {caFile: ${cluster.caFile}}
    sasl: {mechanism: scram-sha-512, username: ${cluster.adminCredentials.username}, password: '\${env:${PASSWORD_VAR}}'}`
    : `  kafka:
    bootstrap: [${cluster.bootstrap.join(', ')}]`
  return `apiVersion: streamctl/v1
kind: Environment
metadata: {name: ${name}}
spec:
${kafka}
  defaults:
    replicationFactor: ${cluster.brokers}
    config: {min.insync.replicas: ${cluster.brokers > 1 ? 2 : 1}}
  prune: {prefixes: ['${prefix}']}
${extraSpec}---
${relaxedLintPolicyYaml(name)}`
}

/**
 * plan/apply refuse lint errors; test estates use random prefixes (a segment may start with a
 * digit) and small unowned, schema-less topics, so those rules only warn here.
 */
export function relaxedLintPolicyYaml(name: string): string {
  return `apiVersion: streamctl/v1
kind: Policy
metadata: {name: it-relaxed-${name}}
spec:
  rules: {topic-naming: warning, owner-required: warning, value-schema-required: warning, single-writer: warning}
`
}

export interface TopicDecl {
  name: string
  partitions: number
  policy?: 'stream' | 'table'
  config?: Record<string, string | number>
  owner?: string
}

export function topicYaml(t: TopicDecl): string {
  const config = t.config ? `\n  config: {${Object.entries(t.config).map(([k, v]) => `${k}: ${v}`).join(', ')}}` : ''
  return `apiVersion: streamctl/v1
kind: Topic
metadata: {name: ${t.name}}
spec:${t.owner ? `\n  owner: ${t.owner}` : ''}
  partitions: ${t.partitions}
  policy: ${t.policy ?? 'stream'}${config}
`
}

export function servicesYaml(prefix: string, topics: readonly string[]): string {
  const p = prefix.replace(/[^a-z0-9]/g, '')
  return `apiVersion: streamctl/v1
kind: Service
metadata: {name: writer}
spec:
  principal: User:${p}-writer
  produces: [${topics.join(', ')}]
---
apiVersion: streamctl/v1
kind: Service
metadata: {name: reader}
spec:
  principal: User:${p}-reader
  consumes:
    - {topic: ${topics[0]}, groups: [${p}-group]}
`
}

/** Writes a manifest directory and returns its path; call again to "edit" it. */
export function writeEstate(dir: string | undefined, files: Record<string, string>): string {
  const root = dir ?? mkdtempSync(join(tmpdir(), 'streamctl-it-'))
  for (const [name, content] of Object.entries(files)) writeFileSync(join(root, name), content)
  return root
}

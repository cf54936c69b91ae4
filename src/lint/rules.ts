import {minIsrBelowRf} from './rules/min-isr.js'
import {ownerRequired} from './rules/owner-required.js'
import {partitionBounds} from './rules/partition-bounds.js'
import {protectGlob} from './rules/protect-glob.js'
import {serviceCredentials} from './rules/service-credentials.js'
import {connectorTopicsRule} from './rules/connector-topics.js'
import {replicaReadOnly} from './rules/replica-read-only.js'
import {singleWriter} from './rules/single-writer.js'
import {tlsVerify} from './rules/tls-verify.js'
import {topicNaming} from './rules/topic-naming.js'
import {valueSchemaRequired} from './rules/value-schema-required.js'
import type {LintRule} from './rule.js'

export const LINT_RULES: readonly LintRule[] = [topicNaming, ownerRequired, singleWriter, valueSchemaRequired, minIsrBelowRf, partitionBounds, tlsVerify, protectGlob, serviceCredentials, connectorTopicsRule, replicaReadOnly]
export const LINT_RULE_IDS: readonly string[] = LINT_RULES.map((r) => r.id)

import type {AclEntry, AclOperation, AclPatternType, AclPermission, AclResourceType} from '../model/state.js'
import type {AclFilter} from './gateway.js'

/** Kafka's wire codes for ACL fields (org.apache.kafka.common.acl / resource enums). */
const RESOURCE_TYPES = {ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5} as const
const PATTERN_TYPES = {ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4} as const
const OPERATIONS = {
  ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12,
} as const
const PERMISSIONS = {ANY: 1, DENY: 2, ALLOW: 3} as const

function reverse<K extends string>(m: Record<K, number>): Map<number, K> {
  return new Map(Object.entries(m).map(([k, v]) => [v as number, k as K]))
}
const RESOURCE_NAMES = reverse(RESOURCE_TYPES)
const PATTERN_NAMES = reverse(PATTERN_TYPES)
const OPERATION_NAMES = reverse(OPERATIONS)
const PERMISSION_NAMES = reverse(PERMISSIONS)

export interface WireAcl {
  resourceType: number
  resourceName: string | null
  resourcePatternType: number
  principal: string | null
  host: string | null
  operation: number
  permissionType: number
}

export function aclToWire(a: AclEntry): WireAcl {
  return {
    resourceType: RESOURCE_TYPES[a.resourceType],
    resourceName: a.resourceName,
    resourcePatternType: PATTERN_TYPES[a.patternType],
    principal: a.principal,
    host: a.host,
    operation: OPERATIONS[a.operation],
    permissionType: PERMISSIONS[a.permission],
  }
}

export function filterToWire(f: AclFilter = {}): WireAcl {
  return {
    resourceType: RESOURCE_TYPES[f.resourceType ?? 'ANY'],
    resourceName: f.resourceName ?? null,
    resourcePatternType: PATTERN_TYPES[f.patternType ?? 'ANY'],
    principal: f.principal ?? null,
    host: f.host ?? null,
    operation: OPERATIONS[f.operation ?? 'ANY'],
    permissionType: PERMISSIONS[f.permission ?? 'ANY'],
  }
}

/** Undefined for kinds streamctl does not manage (e.g. DELEGATION_TOKEN), which callers skip. */
export function aclFromWire(w: {
  resourceType: number; resourceName: string; resourcePatternType: number; principal: string; host: string; operation: number; permissionType: number
}): AclEntry | undefined {
  const resourceType = RESOURCE_NAMES.get(w.resourceType)
  const patternType = PATTERN_NAMES.get(w.resourcePatternType)
  const operation = OPERATION_NAMES.get(w.operation)
  const permission = PERMISSION_NAMES.get(w.permissionType)
  if (!resourceType || resourceType === 'ANY' || !patternType || (patternType !== 'LITERAL' && patternType !== 'PREFIXED')) return undefined
  if (!operation || operation === 'ANY' || !permission || permission === 'ANY') return undefined
  return {
    resourceType: resourceType as AclResourceType,
    resourceName: w.resourceName,
    patternType: patternType as AclPatternType,
    principal: w.principal,
    host: w.host,
    operation: operation as AclOperation,
    permission: permission as AclPermission,
  }
}

/**
 * The operations a KIP-430 authorized-operations bit field grants (bit n = operation code n), or
 * undefined when the broker did not say (INT32_MIN: not asked, or a broker before 2.3).
 */
export function authorizedOperations(bits: number): AclOperation[] | undefined {
  if (bits === -2147483648) return undefined
  return [...OPERATION_NAMES].filter(([code]) => code > 2 && (bits & (1 << code)) !== 0).map(([, name]) => name as AclOperation)
}

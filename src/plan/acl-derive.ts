import {compareAcls, compareStrings} from './compare.js'
import type {ServiceSpec, TopicMeta} from '../model/desired.js'
import type {AclEntry, AclOperation, AclResourceType} from '../model/state.js'
import {aclKey} from '../model/state.js'
import type {BlockedItem} from './blocked.js'

/**
 * ACLs follow from `Service` declarations, never written by hand: the topic's owner service gets
 * WRITE (the single writer), IDEMPOTENT_WRITE on the cluster and, when it declares one, its
 * transactional id; consumers get READ + DESCRIBE on the topic and READ on their groups (LITERAL) and group prefixes (PREFIXED). A
 * `produces` entry by a service that does not own the topic is blocked, not granted.
 */
export const CLUSTER_RESOURCE = 'kafka-cluster'

export interface DerivedAcls {
  /** Sorted (compareAcls), without duplicates. */
  readonly acls: AclEntry[]
  /** Principals whose ACLs streamctl manages (all others are left alone). */
  readonly principals: ReadonlySet<string>
  readonly blocked: BlockedItem[]
}

function allow(principal: string, resourceType: AclResourceType, resourceName: string, operation: AclOperation): AclEntry {
  return {resourceType, resourceName, patternType: 'LITERAL', principal, host: '*', operation, permission: 'ALLOW'}
}

function ownedBy(meta: TopicMeta, s: ServiceSpec): boolean {
  return meta.owner !== undefined && (meta.owner === s.name || meta.owner === s.principal)
}

/** Principals the manifests declare ACLs for: their Services' and raw `Acl` resources'. */
export function declaredPrincipals(desired: {readonly services: readonly ServiceSpec[]; readonly cluster: {readonly acls: readonly AclEntry[]}}): string[] {
  return [...new Set([...desired.services.map((s) => s.principal), ...desired.cluster.acls.map((a) => a.principal)])].sort()
}

export function deriveAcls(services: readonly ServiceSpec[], topicMeta: readonly TopicMeta[]): DerivedAcls {
  const byKey = new Map<string, AclEntry>()
  const add = (a: AclEntry): void => void byKey.set(aclKey(a), a)
  const blocked: BlockedItem[] = []
  const metaByName = new Map(topicMeta.map((m) => [m.name, m]))

  for (const s of [...services].sort((a, b) => compareStrings(a.name, b.name))) {
    const owned = topicMeta.filter((m) => ownedBy(m, s)).map((m) => m.name).sort()
    for (const topic of owned) {
      add(allow(s.principal, 'TOPIC', topic, 'WRITE'))
      add(allow(s.principal, 'TOPIC', topic, 'DESCRIBE'))
    }
    if (owned.length > 0) add(allow(s.principal, 'CLUSTER', CLUSTER_RESOURCE, 'IDEMPOTENT_WRITE'))
    if (s.transactionalId !== undefined) {
      add(allow(s.principal, 'TRANSACTIONAL_ID', s.transactionalId, 'WRITE'))
      add(allow(s.principal, 'TRANSACTIONAL_ID', s.transactionalId, 'DESCRIBE'))
    }
    for (const topic of [...s.produces].sort()) {
      const meta = metaByName.get(topic)
      if (meta !== undefined && ownedBy(meta, s)) continue
      const owner = meta?.owner
      blocked.push({
        kind: 'acl.single-writer', resource: `Service/${s.name}`, topic,
        reason: owner === undefined
          ? `service ${s.name} produces to ${topic}, which declares no owner: WRITE is granted only to a topic's owner`
          : `service ${s.name} produces to ${topic}, owned by ${owner}: WRITE is granted only to the owner (single writer)`,
        wayOut: owner === undefined
          ? `set owner: ${s.name} on topic ${topic}`
          : `remove ${topic} from the produces list of ${s.name}, or have ${owner} publish on its behalf`,
      })
    }
    for (const c of s.consumes) {
      add(allow(s.principal, 'TOPIC', c.topic, 'READ'))
      add(allow(s.principal, 'TOPIC', c.topic, 'DESCRIBE'))
      for (const g of c.groups) add(allow(s.principal, 'GROUP', g, 'READ'))
      for (const g of c.groupPrefixes ?? []) add({...allow(s.principal, 'GROUP', g, 'READ'), patternType: 'PREFIXED'})
    }
  }
  const acls = [...byKey.values()].sort(compareAcls)
  return {acls, principals: new Set(services.map((s) => s.principal)), blocked}
}

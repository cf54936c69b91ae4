import type {ServiceSpec, TopicMeta} from '../model/desired.js'
import type {AclEntry} from '../model/state.js'
import {aclKey} from '../model/state.js'
import {deriveAcls} from '../plan/acl-derive.js'
import {compareStrings} from '../plan/compare.js'

export interface FoldedAcls {
  readonly services: ServiceSpec[]
  /** Topic name → owning service name (the single writer found in the ACLs). */
  readonly owners: ReadonlyMap<string, string>
  /** ACLs of principals whose grants do not match what a Service would derive: kept as raw entries. */
  readonly raw: AclEntry[]
}

/**
 * Turns live ACLs back into Service declarations where they fit the pattern the planner derives
 * (owner WRITE, consumer READ + groups, transactional id): a principal's ACLs are folded only when
 * deriving from the reconstructed Service gives exactly the same set, so export → plan is a no-op.
 */
export function foldAcls(acls: readonly AclEntry[], topics: ReadonlySet<string>): FoldedAcls {
  const byPrincipal = new Map<string, AclEntry[]>()
  for (const a of acls) byPrincipal.set(a.principal, [...(byPrincipal.get(a.principal) ?? []), a])

  const writers = new Map<string, string[]>()
  for (const a of acls) {
    if (isPlainAllow(a) && a.resourceType === 'TOPIC' && a.operation === 'WRITE') writers.set(a.resourceName, [...(writers.get(a.resourceName) ?? []), a.principal])
  }

  const services: ServiceSpec[] = []
  const owners = new Map<string, string>()
  const raw: AclEntry[] = []
  const usedNames = new Set<string>()
  for (const principal of [...byPrincipal.keys()].sort(compareStrings)) {
    const mine = byPrincipal.get(principal)!
    const candidate = reconstruct(principal, mine, topics, writers, usedNames)
    if (candidate && sameSet(deriveAcls([candidate.service], candidate.meta).acls, mine)) {
      services.push(candidate.service)
      usedNames.add(candidate.service.name)
      for (const m of candidate.meta) owners.set(m.name, candidate.service.name)
    } else {
      raw.push(...mine)
    }
  }
  return {services, owners, raw}
}

function reconstruct(
  principal: string,
  acls: readonly AclEntry[],
  topics: ReadonlySet<string>,
  writers: ReadonlyMap<string, string[]>,
  usedNames: ReadonlySet<string>,
): {service: ServiceSpec; meta: TopicMeta[]} | null {
  if (!acls.every(isPlainAllow)) return null
  const names = (type: AclEntry['resourceType'], op: AclEntry['operation']) =>
    [...new Set(acls.filter((a) => a.resourceType === type && a.operation === op).map((a) => a.resourceName))].sort(compareStrings)
  const produces = names('TOPIC', 'WRITE')
  // Only a sole writer of an exported topic can be its owner (the single-writer principle).
  if (produces.some((t) => !topics.has(t) || (writers.get(t)?.length ?? 0) !== 1)) return null
  const reads = names('TOPIC', 'READ')
  const groups = names('GROUP', 'READ')
  if (groups.length > 0 && reads.length === 0) return null
  const txIds = names('TRANSACTIONAL_ID', 'WRITE')
  if (txIds.length > 1) return null
  const name = serviceName(principal, usedNames)
  const service: ServiceSpec = {
    name,
    principal,
    produces,
    // Group grants are per principal, so hanging them all on the first consumed topic derives the same set.
    consumes: reads.map((topic, i) => ({topic, groups: i === 0 ? groups : []})),
    ...(txIds[0] === undefined ? {} : {transactionalId: txIds[0]}),
  }
  const meta: TopicMeta[] = produces.map((t) => ({name: t, owner: name, labels: {}}))
  return {service, meta}
}

function isPlainAllow(a: AclEntry): boolean {
  return a.permission === 'ALLOW' && a.patternType === 'LITERAL' && a.host === '*'
}

function sameSet(a: readonly AclEntry[], b: readonly AclEntry[]): boolean {
  const ka = new Set(a.map(aclKey))
  const kb = new Set(b.map(aclKey))
  return ka.size === kb.size && [...ka].every((k) => kb.has(k))
}

function serviceName(principal: string, used: ReadonlySet<string>): string {
  const base = principal.replace(/^[A-Za-z]+:/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'service'
  let name = base
  for (let i = 2; used.has(name); i++) name = `${base}-${i}`
  return name
}

import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {DesiredState, SchemaSpec, ServiceSpec, TopicMeta} from '../../../src/model/desired.js'
import type {EnvironmentSpec} from '../../../src/model/environment.js'
import {Secret} from '../../../src/model/secret.js'
import type {AclEntry, ClusterState, QuotaState, SubjectState, TopicState, UserState} from '../../../src/model/state.js'
import type {PlanOptions, TopicConfigDefaults} from '../../../src/plan/options.js'

/**
 * Golden scenarios under test/fixtures/plan/<case>/: desired.json is a compact DesiredState
 * (topics plus whatever the case needs; this builder fills the rest), observed.json a ClusterState
 * as the observed-state reader produces it, options.json optional PlanOptions.
 */
export const FIXTURE_ROOT = join(import.meta.dirname, '../../fixtures/plan')

interface DesiredFixture {
  topics: TopicState[]
  environment?: Partial<EnvironmentSpec>
  topicMeta?: Partial<TopicMeta>[]
  services?: ServiceSpec[]
  /** Schema resources (their subjects, and those topic references imply, are planned). */
  schemas?: SchemaSpec[]
  subjects?: SubjectState[]
  /** Raw `Acl` resource entries. */
  acls?: AclEntry[]
  /** User resources; `passwordFrom` is the secret's origin (the value is a placeholder). */
  users?: {name: string; credentials: UserState['credentials']; passwordFrom: string}[]
  quotas?: QuotaState[]
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T

export function topicDefaults(): TopicConfigDefaults {
  return readJson(join(FIXTURE_ROOT, 'topic-defaults.json'))
}

export function buildDesired(f: DesiredFixture): DesiredState {
  const environment: EnvironmentSpec = {
    name: 'test', productionLike: false, defaults: {config: {}}, protect: [], variables: {}, ...f.environment,
  }
  const meta = new Map((f.topicMeta ?? []).map((m) => [m.name!, m]))
  return {
    environment,
    cluster: {clusterId: environment.clusterId, topics: f.topics, acls: f.acls ?? [], subjects: f.subjects ?? [],
      users: (f.users ?? []).map((u) => ({name: u.name, credentials: u.credentials})), quotas: f.quotas ?? []},
    topicMeta: f.topics.map((t) => ({labels: {}, ...meta.get(t.name), name: t.name})),
    services: f.services ?? [],
    users: (f.users ?? []).map((u) => ({name: u.name, credentials: u.credentials, password: new Secret('fixture', u.passwordFrom)})),
    schemas: f.schemas ?? [],
    jobs: [],
    policies: [],
  }
}

export interface FixtureCase {
  name: string
  dir: string
  desired: DesiredState
  observed: ClusterState
  options: PlanOptions
}

export function loadCase(name: string): FixtureCase {
  const dir = join(FIXTURE_ROOT, name)
  const opts = existsSync(join(dir, 'options.json')) ? readJson<Partial<PlanOptions>>(join(dir, 'options.json')) : {}
  return {
    name,
    dir,
    desired: buildDesired(readJson(join(dir, 'desired.json'))),
    observed: readJson(join(dir, 'observed.json')),
    options: {allowDelete: false, ...opts, topicDefaults: topicDefaults()},
  }
}

export function caseNames(): string[] {
  return readdirSync(FIXTURE_ROOT, {withFileTypes: true})
    .filter((d) => d.isDirectory() && existsSync(join(FIXTURE_ROOT, d.name, 'desired.json')))
    .map((d) => d.name)
    .sort()
}

// The library's public surface: everything the CLI does is reachable without it.
export * from './errors.js'
export * from './model/state.js'
export * from './model/environment.js'
export * from './model/desired.js'
export * from './model/secret.js'

// Manifests: load, resolve one environment, lint.
export {loadManifests, resolveEnvironment, resolveEnvironmentWithWarnings, TOPIC_CONFIGS} from './manifest/index.js'

// The admin gateway and the observed state.
export type {AdminGateway} from './cluster/gateway.js'
export {createGateway} from './cluster/create-gateway.js'
export {KafkaApiError} from './cluster/errors.js'
export {observeCluster} from './observe/observe-cluster.js'

// Planning and presentation (pure), execution, and the flows that tie them together.
export {planChanges, observedDigest, deriveAcls, ACTION_KINDS, BLOCKED_KINDS, PLAN_FORMAT_VERSION} from './plan/index.js'
export type {Action, BlockedItem, Plan, PlanOptions} from './plan/index.js'
export {renderPlanText, renderPlanMarkdown, renderPlanJson, parsePlanJson} from './render/index.js'
export {executePlan} from './apply/executor.js'
export {ClusterLock} from './apply/lock.js'
export {AuditLog} from './apply/audit.js'
export {connectEnvironment, adHocEnvironment, type Target} from './reconcile/target.js'
export {planEnvironment} from './reconcile/plan-environment.js'
export {applyEnvironment, type ApplyReport, type ApplyRequest} from './reconcile/apply-environment.js'
export {diffSides, type DiffSide} from './reconcile/diff-states.js'
export {exportState, adoptState} from './export/export-state.js'

// The estate graph (pure model, Mermaid/DOT renderings, the subgraph a plan touches) and `streamctl graph`.
export * from './graph/index.js'
export {graphEnvironment, GRAPH_FORMATS, type GraphFormat, type GraphRequest, type GraphResult} from './graph/graph-environment.js'

// The local dev cluster and registry.
export {devUp, devDown, devStatus, ensureDevCluster, resolveEnvironmentConnection, runKafkaTool} from './dev/index.js'
export {startRegistry} from './registry/server.js'

// Jobs.
export {repartition} from './operations/repartition.js'
export {migrate} from './operations/migrate.js'
export {deriveLatest} from './operations/derive-latest.js'
export {deriveVersioned} from './operations/derive-versioned.js'
export {showOffsets, planOffsetReset, executeOffsetReset} from './operations/offsets.js'
export {runJobSpec} from './operations/run-job-spec.js'

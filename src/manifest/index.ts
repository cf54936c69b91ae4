// The manifest pipeline's public surface: load once, resolve per environment.
export {loadManifests, type LoadOptions} from './load-manifests.js'
export {resolveEnvironment, resolveEnvironmentWithWarnings, selectEnvironment, environmentNames, type ResolveOptions, type Resolved} from './resolve-environment.js'
export {TOPIC_CONFIGS, TOPIC_CONFIG_KEYS, checkTopicConfigValue, type TopicConfigDef} from './kafka-topic-configs.js'
export {POLICY_CONFIGS} from './topic-overlay.js'
export {RESOURCE_KINDS, type ManifestSet, type Resource, type ResourceKind} from './resource.js'
export {UnresolvedSecret} from './unresolved-secret.js'

import type {MavenArtifact} from './versions.js'

/**
 * The Kafka Connect release of the dev worker. Not the brokers' 4.4.0: Maven Central serves
 * connect-runtime/json/transforms at 4.4.0 but connect-file, connect-mirror and
 * connect-mirror-client only up to 4.3.1, and a 4.4.0 runtime fails its plugin scan on 4.3.1
 * plugins (AppInfoParser moved in 4.4.0). An all-4.3.1 worker runs against 4.4.0 and 3.9 brokers
 * (Connect speaks to brokers through kafka-clients, which negotiates API versions).
 */
export const DEV_CONNECT_VERSION = '4.3.1'

/** Log4j 2 of the Kafka 4.3 line (Kafka logs through SLF4J 1.7, hence the slf4j-impl binding). */
const CONNECT_LOG4J_VERSION = '2.25.3'

/**
 * The worker's classpath: the runtime, the JSON converter and the built-in transforms, the
 * FileStream and MirrorMaker 2 connectors (plugins load from the classpath, no plugin.path), the
 * HTTP Basic REST extension the secure worker uses, and the logging binding.
 */
export function connectArtifacts(version: string = DEV_CONNECT_VERSION): MavenArtifact[] {
  const kafka = (artifactId: string): MavenArtifact => ({groupId: 'org.apache.kafka', artifactId, version})
  return [
    kafka('connect-runtime'), kafka('connect-json'), kafka('connect-transforms'),
    kafka('connect-file'), kafka('connect-mirror'), kafka('connect-mirror-client'),
    kafka('connect-basic-auth-extension'),
    {groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: CONNECT_LOG4J_VERSION},
  ]
}

/** The jar whose presence proves a Connect classpath was resolved. */
export const CONNECT_RUNTIME_JAR_PREFIX = 'connect-runtime-'

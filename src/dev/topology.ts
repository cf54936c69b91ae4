import {DEV_ADMIN_USER} from './credentials.js'
import type {KafkaRelease} from './versions.js'

/**
 * The shape of a dev cluster, decided once at the first `dev up` and kept in the state file so
 * that ports and node ids never change across restarts (data written by a node refers to them).
 *
 * --brokers 3 runs three combined broker+controller nodes with a static voter set rather than
 * three brokers plus a separate controller: three JVMs instead of four on a 2-core machine, the
 * controller quorum still survives one dead node, and static voters need no directory ids at
 * format time, so the same layout works on 3.9 and 4.x.
 *
 * Up to MAX_DEV_BROKERS nodes: KRaft's quorum wants an odd number of voters, and more than three
 * buys a dev cluster nothing, so nodes 1..3 are combined broker+controller (one voter for 1–2
 * nodes, three for 3–5) and nodes beyond them are broker-only (`process.roles=broker`, no
 * controller listener). With --racks, `broker.rack` goes round-robin over the given racks.
 */
export const MAX_DEV_BROKERS = 5

/** The voters: one for 1–2 nodes, three (surviving one dead node) from 3 nodes on. */
export function controllerCount(nodes: number): number {
  return nodes >= 3 ? 3 : 1
}

export function isController(layout: ClusterLayout, node: NodeLayout): boolean {
  return node.id <= controllerCount(layout.nodes.length)
}
export interface NodePorts {
  /** PLAINTEXT client listener (plain clusters) or the inter-broker SASL/PLAIN listener (secure). */
  readonly broker: number
  readonly controller: number
  /** Secure only: SASL_PLAINTEXT + SCRAM-SHA-512 or SCRAM-SHA-256. */
  readonly sasl?: number
  /** Secure only: SASL_SSL + SCRAM-SHA-512 or SCRAM-SHA-256 with the generated certificate. */
  readonly tls?: number
}

export interface NodeLayout {
  readonly id: number
  readonly ports: NodePorts
  /** Relative to the cluster data dir. */
  readonly dir: string
  /** `broker.rack`, when the cluster was created with --racks. */
  readonly rack?: string
}

export interface ClusterLayout {
  readonly kafkaVersion: string
  readonly brokers: number
  readonly secure: boolean
  readonly nodes: readonly NodeLayout[]
  /** What --racks asked at creation (the nodes' `rack`s go round-robin over it). */
  readonly racks?: readonly string[]
}

export function portsPerNode(secure: boolean): number {
  return secure ? 4 : 2
}

/** Assigns pre-allocated ports to nodes; `firstPort` (from --port) is node 1's client port. */
export function planLayout(opts: {kafkaVersion: string; brokers: number; secure: boolean; ports: readonly number[]; firstPort?: number; racks?: readonly string[]}): ClusterLayout {
  if (!Number.isInteger(opts.brokers) || opts.brokers < 1 || opts.brokers > MAX_DEV_BROKERS) throw new RangeError(`a dev cluster has 1 to ${MAX_DEV_BROKERS} nodes, not ${opts.brokers}`)
  const per = portsPerNode(opts.secure)
  const need = opts.brokers * per
  if (opts.ports.length < need) throw new Error(`internal: ${need} ports needed, ${opts.ports.length} given`)
  const nodes: NodeLayout[] = []
  for (let i = 0; i < opts.brokers; i++) {
    const p = opts.ports.slice(i * per, (i + 1) * per) as number[]
    const ports: NodePorts = opts.secure
      ? {broker: p[0]!, controller: p[1]!, sasl: p[2]!, tls: p[3]!}
      : {broker: p[0]!, controller: p[1]!}
    const rack = opts.racks && opts.racks.length > 0 ? opts.racks[i % opts.racks.length] : undefined
    nodes.push({id: i + 1, ports, dir: `node-${i + 1}`, ...(rack !== undefined ? {rack} : {})})
  }
  if (opts.firstPort !== undefined) {
    const n0 = nodes[0]!
    nodes[0] = {...n0, ports: opts.secure ? {...n0.ports, sasl: opts.firstPort} : {...n0.ports, broker: opts.firstPort}}
  }
  return {kafkaVersion: opts.kafkaVersion, brokers: opts.brokers, secure: opts.secure, nodes, ...(opts.racks && opts.racks.length > 0 ? {racks: [...opts.racks]} : {})}
}

/** The addresses clients are given: PLAINTEXT for plain clusters, SASL_PLAINTEXT for secure. */
export function clientBootstrap(layout: ClusterLayout): string[] {
  return layout.nodes.map((n) => `127.0.0.1:${layout.secure ? n.ports.sasl : n.ports.broker}`)
}

export function tlsBootstrap(layout: ClusterLayout): string[] {
  return layout.secure ? layout.nodes.map((n) => `127.0.0.1:${n.ports.tls}`) : []
}

/** The inter-broker listener: PLAINTEXT (plain clusters) or SASL_PLAINTEXT with the nodes' PLAIN user (secure). */
export function internalBootstrap(layout: ClusterLayout): string[] {
  return layout.nodes.map((n) => `127.0.0.1:${n.ports.broker}`)
}

/** The controller listeners (KIP-919 `bootstrap.controllers`). */
export function controllerBootstrap(layout: ClusterLayout): string[] {
  return layout.nodes.filter((n) => isController(layout, n)).map((n) => `127.0.0.1:${n.ports.controller}`)
}

export interface NodePaths {
  readonly logDir: string
  readonly dataDir: string
  readonly keystore?: string
  /** Secure only: the nodes' own SASL/PLAIN user on the INTERNAL and CONTROLLER listeners. */
  readonly internal?: {readonly username: string; readonly password: string}
}

/** server.properties for one node: pure, so every line can be checked by unit tests. */
export function renderServerProperties(layout: ClusterLayout, node: NodeLayout, release: KafkaRelease, paths: NodePaths): string {
  const n = layout.nodes.length
  const rf = Math.min(3, n)
  const minIsr = n === 1 ? 1 : 2
  const p = node.ports
  const controller = isController(layout, node)
  const voters = layout.nodes.filter((x) => isController(layout, x)).map((x) => `${x.id}@127.0.0.1:${x.ports.controller}`).join(',')
  const props: [string, string | number][] = [
    ['process.roles', controller ? 'broker,controller' : 'broker'],
    ['node.id', node.id],
  ]
  // One node: dynamic quorum formatted --standalone. More: static voters (see the layout note).
  if (n === 1) props.push(['controller.quorum.bootstrap.servers', `127.0.0.1:${p.controller}`])
  else props.push(['controller.quorum.voters', voters])
  if (node.rack !== undefined) props.push(['broker.rack', node.rack])
  // A broker-only node has no controller listener of its own; it reaches the voters by name.
  const controllerListener = controller ? `,CONTROLLER://127.0.0.1:${p.controller}` : ''
  props.push(['controller.listener.names', 'CONTROLLER'])
  if (layout.secure) {
    if (!paths.internal) throw new Error('internal: a secure node needs the internal credentials')
    const {username, password} = paths.internal
    // PLAIN with a static JAAS user: it needs nothing from the metadata log, so the quorum and the
    // brokers can authenticate before any SCRAM credential is loaded (SCRAM on the controller
    // listener is unsupported for that reason).
    const plainJaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${username}" password="${password}" user_${username}="${password}";`
    props.push(
      ['listeners', `INTERNAL://127.0.0.1:${p.broker}${controllerListener},SASL://127.0.0.1:${p.sasl},TLS://127.0.0.1:${p.tls}`],
      // INTERNAL is registered for inter-broker traffic; a client is only ever given the endpoints
      // of the listener it connected to (SASL or TLS), so it is never advertised to clients.
      ['advertised.listeners', `INTERNAL://127.0.0.1:${p.broker},SASL://127.0.0.1:${p.sasl},TLS://127.0.0.1:${p.tls}`],
      // Every listener authenticates: no connection anywhere is ever User:ANONYMOUS.
      ['listener.security.protocol.map', 'INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,SASL:SASL_PLAINTEXT,TLS:SASL_SSL'],
      ['inter.broker.listener.name', 'INTERNAL'],
      // Both SCRAM mechanisms, as production clusters offer them: Users may declare either.
      ['sasl.enabled.mechanisms', 'SCRAM-SHA-512,SCRAM-SHA-256'],
      ['listener.name.internal.sasl.enabled.mechanisms', 'PLAIN'],
      ['listener.name.controller.sasl.enabled.mechanisms', 'PLAIN'],
      ['sasl.mechanism.inter.broker.protocol', 'PLAIN'],
      ['sasl.mechanism.controller.protocol', 'PLAIN'],
      ['listener.name.internal.plain.sasl.jaas.config', plainJaas],
      ['listener.name.controller.plain.sasl.jaas.config', plainJaas],
      ['listener.name.sasl.scram-sha-512.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
      ['listener.name.tls.scram-sha-512.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
      ['listener.name.sasl.scram-sha-256.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
      ['listener.name.tls.scram-sha-256.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
      ['listener.name.tls.ssl.keystore.type', 'PEM'],
      ['listener.name.tls.ssl.keystore.location', paths.keystore ?? ''],
      ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
      ['allow.everyone.if.no.acl.found', 'false'],
      // Named principals only: the nodes' own (CLUSTER_ACTION for votes, fetches, registration)
      // and the admin. ANONYMOUS is never super, and no listener lets a client be ANONYMOUS.
      ['super.users', `User:${DEV_ADMIN_USER};User:${username}`],
    )
  } else {
    props.push(
      ['listeners', `PLAINTEXT://127.0.0.1:${p.broker}${controllerListener}`],
      ['advertised.listeners', `PLAINTEXT://127.0.0.1:${p.broker}`],
      ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
      ['inter.broker.listener.name', 'PLAINTEXT'],
      // An authorizer even without security, so the ACLs that Services declare can be applied and
      // read back on the local cluster too; every client here is ANONYMOUS and super, so none is denied.
      ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
      ['super.users', 'User:ANONYMOUS'],
    )
  }
  props.push(
    ['log.dirs', paths.dataDir],
    ['num.partitions', 1],
    ['offsets.topic.replication.factor', rf],
    // Fewer partitions of the internal topics: fewer open files and faster start on a laptop.
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', rf],
    ['transaction.state.log.min.isr', minIsr],
    ['transaction.state.log.num.partitions', 5],
    ['group.initial.rebalance.delay.ms', 0],
  )
  if (release.hasShareCoordinator) {
    props.push(['share.coordinator.state.topic.replication.factor', rf], ['share.coordinator.state.topic.min.isr', minIsr])
  }
  return `# Generated by streamctl dev up (Kafka ${release.version}, node ${node.id}); rewritten on every start.\n` +
    props.map(([k, v]) => `${k}=${v}`).join('\n') + '\n'
}

export function renderLogConfig(release: KafkaRelease, logFile: string): string {
  if (release.logFlavour === 'log4j1') {
    return [
      'log4j.rootLogger=INFO, server',
      'log4j.appender.server=org.apache.log4j.RollingFileAppender',
      `log4j.appender.server.File=${logFile}`,
      'log4j.appender.server.MaxFileSize=10MB',
      'log4j.appender.server.MaxBackupIndex=2',
      'log4j.appender.server.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.server.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n')
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <RollingFile name="server" fileName="${xmlEscape(logFile)}" filePattern="${xmlEscape(logFile)}.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <SizeBasedTriggeringPolicy size="10MB"/>
      <DefaultRolloverStrategy max="2"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="server"/></Root>
  </Loggers>
</Configuration>
`
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}

/** The java command line of one node (after `java`). */
export function nodeJavaArgs(release: KafkaRelease, o: {libDir: string; logDir: string; logConfig: string; serverProperties: string; heap: string}): string[] {
  const logFlag = release.logFlavour === 'log4j1' ? `-Dlog4j.configuration=file:${o.logConfig}` : `-Dlog4j2.configurationFile=${o.logConfig}`
  return [
    `-Xmx${o.heap}`, '-Xms128m',
    '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${o.logDir}`, logFlag,
    '-cp', `${o.libDir}/*`,
    'kafka.Kafka', o.serverProperties,
  ]
}

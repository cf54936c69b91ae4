import {writeFile} from 'node:fs/promises'
import {Flags} from '@oclif/core'
import {BaseCommand, manifestFlags} from '../cli/base-command.js'
import {connectFlags, loadDesired, withBootstrap} from '../cli/environment.js'
import type {EstateGraph} from '../graph/estate-graph.js'
import {GRAPH_FORMATS, type GraphFormat} from '../graph/graph-environment.js'

export default class GraphCommand extends BaseCommand {
  static override description = 'Draw the estate: services, topics by policy, consumer groups and jobs, with produce/consume edges (Mermaid, DOT or SVG)'

  static override examples = [
    '<%= config.bin %> graph -e local',
    '<%= config.bin %> graph -e prod --format svg -o estate.svg',
    '<%= config.bin %> graph -e local --live --topic shop.orders.v1',
  ]

  static override flags = {
    ...manifestFlags,
    ...connectFlags,
    format: Flags.string({description: 'mermaid (renders in pull-request comments), dot (Graphviz), or svg (rendered by Graphviz\'s dot)', options: [...GRAPH_FORMATS], default: 'mermaid'}),
    out: Flags.string({char: 'o', description: 'write the output to this file instead of stdout'}),
    live: Flags.boolean({description: 'read the consumer groups from the cluster: lag on the consume edges, and groups no manifest declares'}),
    topic: Flags.string({char: 't', description: 'only the part of the graph touching this topic (repeatable)', multiple: true}),
  }

  async run(): Promise<EstateGraph> {
    const {flags} = await this.parse(GraphCommand)
    // Without --live nothing connects, so unset secrets only warn, as in validate.
    const desired = await loadDesired(flags.file, flags.env, {offline: !flags.live})
    const {graphEnvironment} = await import('../graph/graph-environment.js')
    const request = {format: flags.format as GraphFormat, ...(flags.topic ? {topics: flags.topic} : {})}
    let result
    if (flags.live) {
      const {connectEnvironment} = await import('../reconcile/target.js')
      const target = await connectEnvironment(withBootstrap(desired.environment, flags.bootstrap), {start: !flags['no-start'], onDevEvent: (e) => this.logToStderr(`dev: ${e.message}`)})
      try {
        result = await graphEnvironment(desired, {...request, live: target})
      } finally {
        await target.close()
      }
    } else {
      result = await graphEnvironment(desired, request)
    }
    for (const w of result.warnings) this.logToStderr(w)
    if (flags.out) {
      await writeFile(flags.out, result.text)
      this.logToStderr(`graph written to ${flags.out}`)
    } else {
      this.out(result.text.replace(/\n$/, ''))
    }
    return result.graph
  }
}

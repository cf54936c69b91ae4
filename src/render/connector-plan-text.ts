import type {ConfigChange, ConnectorAction, ConnectorPlan, ShownValue} from '../plan/connector-plan.js'
import {assertNoSecrets} from './no-secrets.js'
import type {Styler} from './styler.js'
import {plainStyler} from './styler.js'

const SIGN: Record<ConnectorAction['kind'], '+' | '~' | '-'> = {
  'connector.create': '+', 'connector.config.update': '~', 'connector.resume': '~', 'connector.pause': '~', 'connector.stop': '~', 'connector.restart': '~', 'connector.delete': '-',
}

function shown(v: ShownValue | undefined): string {
  if (v === undefined) return '(default)'
  return 'secret' in v ? `(secret from ${v.secret})` : JSON.stringify(v.value)
}

function changeLine(c: ConfigChange): string {
  return c.before === undefined ? `${c.key} = ${shown(c.after)}` : `${c.key}: ${shown(c.before)} → ${shown(c.after)}`
}

function headline(a: ConnectorAction): string {
  switch (a.kind) {
    case 'connector.create': return `create connector ${a.connector} (${a.className}${a.initialState === 'RUNNING' ? '' : `, ${a.initialState.toLowerCase()}`})`
    case 'connector.config.update': return `update connector ${a.connector}`
    case 'connector.resume': return `resume connector ${a.connector} (${a.from.toLowerCase()})`
    case 'connector.pause': return `pause connector ${a.connector} (${a.from.toLowerCase()})`
    case 'connector.stop': return `stop connector ${a.connector} (${a.from.toLowerCase()})`
    case 'connector.restart': return `restart what failed in connector ${a.connector}: ${[a.connectorFailed ? 'the connector' : '', a.failedTasks.length ? `task(s) ${a.failedTasks.join(', ')}` : ''].filter(Boolean).join(' and ')}`
    case 'connector.delete': return `delete connector ${a.connector}`
  }
}

/**
 * The connector part of a plan as text, in the style of the topic plan: one line per action with
 * its risk, config keys below (secrets as where they come from), then the unmanaged connectors.
 */
export function renderConnectorPlanText(plan: ConnectorPlan, styler: Styler = plainStyler): string {
  assertNoSecrets(plan, 'connector plan')
  const out: string[] = []
  if (plan.actions.length === 0) out.push('No connector changes. The Connect cluster matches the manifests.')
  for (const a of plan.actions) {
    const sign = SIGN[a.kind]
    const text = `${sign} ${headline(a)}`
    const painted = sign === '+' ? styler.add(text) : sign === '-' ? styler.remove(text) : styler.change(text)
    out.push(`    ${painted}${a.risk === 'safe' ? '' : styler.dim(`  [${a.risk}]`)}`)
    const details = a.kind === 'connector.create' ? a.config : a.kind === 'connector.config.update' ? a.changes : []
    for (const c of details) out.push(`        ${changeLine(c)}`)
  }
  if (plan.unmanaged.length > 0) out.push(`    unmanaged (left alone): ${plan.unmanaged.join(', ')}`)
  return out.join('\n') + '\n'
}

import type {DevEvent} from '../dev/events.js'
import {DiagnosticsError, type Diagnostic} from '../errors.js'
import {loadEnvironment, type CheckResult} from '../manifest/check-manifests.js'
import {connectEnvironment} from '../reconcile/target.js'
import {REFERENCE_RULE, undeclaredReferences, unregisteredReferenceErrors} from './undeclared-references.js'

/**
 * `validate --registry`: for each checked environment whose Schemas reference subjects no Schema
 * declares, asks its registry (read-only) whether it holds them. Throws DiagnosticsError with the
 * missing ones at their referring Schemas, beside the check's other warnings.
 */
export async function checkReferencesAtRegistries(files: readonly string[], checked: Pick<CheckResult, 'environments' | 'warnings'>,
  options: {start: boolean; onDevEvent?: (e: DevEvent) => void}): Promise<void> {
  const errors: Diagnostic[] = []
  for (const {name, desired: offline} of checked.environments) {
    if (undeclaredReferences(offline).length === 0) continue
    // Resolved again with secrets: the registry's credentials may come from env vars or files.
    const desired = await loadEnvironment(files, name)
    const target = await connectEnvironment(desired.environment, {start: options.start, onDevEvent: options.onDevEvent})
    try {
      if (!target.registry) {
        errors.push({severity: 'error', rule: REFERENCE_RULE, message: `environment ${name}: ${target.noRegistryReason ?? 'no schema registry'}`,
          hint: 'give the environment a registry, or run validate without --registry'})
        continue
      }
      errors.push(...await unregisteredReferenceErrors(target.registry, name, desired))
    } finally {
      await target.close()
    }
  }
  if (errors.length > 0) throw new DiagnosticsError([...errors, ...checked.warnings.filter((w) => w.rule !== REFERENCE_RULE)])
}

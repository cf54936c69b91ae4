import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {planChanges} from '../../../src/plan/planner.js'
import {parsePlanJson, renderPlanJson} from '../../../src/render/plan-json.js'
import {renderPlanMarkdown} from '../../../src/render/plan-markdown.js'
import {renderPlanText} from '../../../src/render/plan-text.js'
import {caseNames, loadCase} from './fixture-case.js'

// UPDATE_GOLDEN=1 rewrites the golden files; review the diff before committing them.
const update = process.env.UPDATE_GOLDEN === '1'

function golden(path: string, actual: string): void {
  if (update) {
    writeFileSync(path, actual)
    return
  }
  expect(existsSync(path), `missing golden file ${path} (run with UPDATE_GOLDEN=1)`).toBe(true)
  expect(actual).toBe(readFileSync(path, 'utf8'))
}

const names = caseNames()

describe('planner golden scenarios', () => {
  it('has the whole scenario matrix', () => {
    expect(names.length).toBeGreaterThanOrEqual(20)
  })

  for (const name of names) {
    it(name, () => {
      const c = loadCase(name)
      const plan = planChanges(c.desired, c.observed, c.options)
      const json = renderPlanJson(plan)
      golden(join(c.dir, 'plan.json'), json)
      // Human and markdown output come from the parsed JSON contract, so they cannot drift from it.
      const fromJson = parsePlanJson(json)
      expect(fromJson).toEqual(JSON.parse(JSON.stringify(plan)))
      golden(join(c.dir, 'plan.txt'), renderPlanText(fromJson))
      golden(join(c.dir, 'plan.md'), renderPlanMarkdown(fromJson))
    })
  }
})

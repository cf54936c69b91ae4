/** Plan renderers: pure functions of the plan's JSON data. */
export {parsePlanJson, renderPlanJson} from './plan-json.js'
export {renderPlanMarkdown} from './plan-markdown.js'
export {renderPlanText, type PlanWording} from './plan-text.js'
export {plainStyler} from './styler.js'
export type {Styler} from './styler.js'
export {assertNoSecrets} from './no-secrets.js'
export {renderApplyProblems, renderVisibility} from './apply-result.js'

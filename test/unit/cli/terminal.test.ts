import {describe, expect, it} from 'vitest'
import {colorEnabled} from '../../../src/cli/terminal.js'

describe('colorEnabled', () => {
  it('colours a terminal but not a pipe, even on CI', () => {
    expect(colorEnabled({}, true)).toBe(true)
    expect(colorEnabled({}, false)).toBe(false)
    expect(colorEnabled({CI: 'true'}, false)).toBe(false)
  })
  it('honours NO_COLOR, FORCE_COLOR and a dumb terminal', () => {
    expect(colorEnabled({NO_COLOR: '1'}, true)).toBe(false)
    expect(colorEnabled({FORCE_COLOR: '1'}, false)).toBe(true)
    expect(colorEnabled({FORCE_COLOR: '0'}, true)).toBe(false)
    expect(colorEnabled({FORCE_COLOR: '0'}, false)).toBe(false)
    expect(colorEnabled({TERM: 'dumb'}, true)).toBe(false)
  })
})

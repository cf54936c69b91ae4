import {describe, expect, it} from 'vitest'
import {placeReplicas} from '../../../src/plan/placement.js'

const load = (assignment: number[][]): Record<number, number> => {
  const out: Record<number, number> = {}
  for (const r of assignment.flat()) out[r] = (out[r] ?? 0) + 1
  return out
}

describe('placeReplicas', () => {
  const table: {name: string; current: number[][]; brokers: number[]; rf: number; expected: number[][]}[] = [
    {name: 'unchanged RF keeps every list', current: [[1, 2], [2, 3]], brokers: [1, 2, 3], rf: 2, expected: [[1, 2], [2, 3]]},
    {name: 'RF 1 → 3 on three brokers fills every broker', current: [[1], [2], [3]], brokers: [1, 2, 3], rf: 3, expected: [[1, 2, 3], [2, 3, 1], [3, 1, 2]]},
    {name: 'RF 1 → 2 picks the least-loaded broker', current: [[1], [1], [2]], brokers: [1, 2, 3], rf: 2, expected: [[1, 3], [1, 2], [2, 3]]},
    {name: 'RF 1 → 3 with an uneven start ends balanced', current: [[1], [2], [3], [1]], brokers: [1, 2, 3], rf: 3, expected: [[1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 2, 3]]},
    {name: 'RF 3 → 1 keeps the preferred leader', current: [[1, 2, 3], [2, 3, 1], [3, 1, 2]], brokers: [1, 2, 3], rf: 1, expected: [[1], [2], [3]]},
    {name: 'RF 3 → 2 removes from the most-loaded broker', current: [[1, 2, 3], [2, 1, 3], [3, 1, 2]], brokers: [1, 2, 3], rf: 2, expected: [[1, 2], [2, 3], [3, 1]]},
    {name: 'non-contiguous broker ids', current: [[101], [205]], brokers: [307, 101, 205], rf: 2, expected: [[101, 307], [205, 307]]},
    {name: 'broker ids given twice count once', current: [[1]], brokers: [2, 1, 2], rf: 2, expected: [[1, 2]]},
  ]
  for (const t of table) {
    it(t.name, () => {
      expect(placeReplicas(t.current, t.brokers, t.rf)).toEqual(t.expected)
    })
  }

  it('is deterministic and keeps existing replicas', () => {
    const current = [[4], [5], [6], [4], [5], [6], [4], [5]]
    const a = placeReplicas(current, [4, 5, 6, 7], 3)
    expect(placeReplicas(current, [7, 6, 5, 4], 3)).toEqual(a)
    a.forEach((r, p) => {
      expect(r[0]).toBe(current[p]![0])
      expect(new Set(r).size).toBe(3)
    })
    const l = Object.values(load(a))
    expect(Math.max(...l) - Math.min(...l)).toBeLessThanOrEqual(1)
  })

  it('refuses an RF above the broker count or below 1', () => {
    expect(() => placeReplicas([[1]], [1, 2], 3)).toThrow(/exceeds the 2 broker/)
    expect(() => placeReplicas([[1]], [1, 2], 0)).toThrow(/at least 1/)
  })
})

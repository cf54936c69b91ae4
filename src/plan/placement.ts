/**
 * Deterministic replica placement for a replication-factor change. Existing replicas stay where
 * they are (so only the difference moves) and the preferred leader (first replica) is kept.
 * Added replicas go to the broker holding the fewest replicas of this topic, ties broken by
 * rotating the broker list by partition id so partitions spread; removed replicas come off the
 * most-loaded broker, ties broken by the later position.
 */
export function placeReplicas(
  current: readonly (readonly number[])[],
  brokerIds: readonly number[],
  targetRf: number,
): number[][] {
  const brokers = [...new Set(brokerIds)].sort((a, b) => a - b)
  if (targetRf < 1) throw new RangeError(`replication factor must be at least 1, got ${targetRf}`)
  if (targetRf > brokers.length) throw new RangeError(`replication factor ${targetRf} exceeds the ${brokers.length} broker(s)`)
  const load = new Map<number, number>(brokers.map((b) => [b, 0]))
  for (const replicas of current) for (const r of replicas) load.set(r, (load.get(r) ?? 0) + 1)

  // One replica per partition per round, so early partitions do not take all the light brokers.
  const out = current.map((r) => [...r])
  const n = brokers.length
  for (let busy = true; busy;) {
    busy = false
    out.forEach((replicas, partition) => {
      if (replicas.length < targetRf) {
        let best: number | undefined
        for (let i = 0; i < n; i++) {
          const b = brokers[(partition + i) % n]!
          if (!replicas.includes(b) && (best === undefined || load.get(b)! < load.get(best)!)) best = b
        }
        replicas.push(best!)
        load.set(best!, load.get(best!)! + 1)
        busy = true
      } else if (replicas.length > targetRf) {
        let victim = 1
        for (let i = 1; i < replicas.length; i++) if (load.get(replicas[i]!)! >= load.get(replicas[victim]!)!) victim = i
        load.set(replicas[victim]!, load.get(replicas[victim]!)! - 1)
        replicas.splice(victim, 1)
        busy = true
      }
    })
  }
  return out
}

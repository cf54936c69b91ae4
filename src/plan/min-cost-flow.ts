/**
 * Minimum-cost flow by successive shortest paths (Bellman-Ford queue, so negative edge costs are
 * allowed as long as the graph starts without negative cycles). Small and exact: the placement
 * planner uses it to choose leaders with the fewest replica moves under a balance constraint.
 */
export class MinCostFlow {
  private readonly to: number[] = []
  private readonly cap: number[] = []
  private readonly cost: number[] = []
  private readonly adj: number[][]

  constructor(readonly nodes: number) {
    this.adj = Array.from({length: nodes}, () => [])
  }

  /** Adds an edge and returns its id (for `flowOn`). */
  addEdge(from: number, to: number, capacity: number, cost: number): number {
    const id = this.to.length
    this.to.push(to, from)
    this.cap.push(capacity, 0)
    this.cost.push(cost, -cost)
    this.adj[from]!.push(id)
    this.adj[to]!.push(id + 1)
    return id
  }

  flowOn(edge: number): number {
    return this.cap[edge + 1]!
  }

  /** Pushes up to `limit` units from source to sink at the least total cost; returns the units pushed. */
  run(source: number, sink: number, limit: number): number {
    let pushed = 0
    const dist = new Array<number>(this.nodes)
    const via = new Array<number>(this.nodes)
    const queued = new Array<boolean>(this.nodes)
    while (pushed < limit) {
      dist.fill(Infinity)
      via.fill(-1)
      queued.fill(false)
      dist[source] = 0
      const queue = [source]
      queued[source] = true
      for (let head = 0; head < queue.length; head++) {
        const u = queue[head]!
        queued[u] = false
        for (const e of this.adj[u]!) {
          if (this.cap[e]! <= 0) continue
          const v = this.to[e]!
          const d = dist[u]! + this.cost[e]!
          if (d < dist[v]!) {
            dist[v] = d
            via[v] = e
            if (!queued[v]) {
              queued[v] = true
              queue.push(v)
            }
          }
        }
      }
      if (dist[sink] === Infinity) break
      let amount = limit - pushed
      for (let v = sink; v !== source; v = this.to[via[v]! ^ 1]!) amount = Math.min(amount, this.cap[via[v]!]!)
      for (let v = sink; v !== source; v = this.to[via[v]! ^ 1]!) {
        const e = via[v]!
        this.cap[e] = this.cap[e]! - amount
        this.cap[e ^ 1] = this.cap[e ^ 1]! + amount
      }
      pushed += amount
    }
    return pushed
  }
}

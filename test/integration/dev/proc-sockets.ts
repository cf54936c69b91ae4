import {readFileSync, readdirSync, readlinkSync} from 'node:fs'

/**
 * Listening TCP sockets of one process, from /proc: its socket inodes matched against
 * /proc/net/tcp{,6} (state 0A = LISTEN), each with its local address and port.
 */
export function listeningSockets(pid: number): {address: string; port: number}[] {
  const inodes = new Set<string>()
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))
      if (m) inodes.add(m[1]!)
    } catch { /* closed meanwhile */ }
  }
  const out: {address: string; port: number}[] = []
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = row.trim().split(/\s+/)
      if (f.length > 9 && f[3] === '0A' && inodes.has(f[9]!)) {
        const [hex, port] = f[1]!.split(':')
        // IPv4 in /proc/net/tcp is little-endian hex (0100007F is 127.0.0.1); Java binds an
        // IPv4-mapped IPv6 socket (::ffff:127.0.0.1) that /proc/net/tcp6 shows with that suffix.
        const v4 = hex!.length === 8 ? hex! : hex!.startsWith('0000000000000000FFFF0000') ? hex!.slice(24) : undefined
        const address = v4 ? [3, 2, 1, 0].map((i) => parseInt(v4.slice(i * 2, i * 2 + 2), 16)).join('.') : hex!
        out.push({address, port: parseInt(port!, 16)})
      }
    }
  }
  return out
}

/** The ports a process listens on, sorted. */
export function listeningPorts(pid: number): number[] {
  return [...new Set(listeningSockets(pid).map((s) => s.port))].sort((a, b) => a - b)
}

import {createServer} from 'node:net'
import {StreamctlError} from '../errors.js'

/**
 * Pre-allocates free loopback ports: the controller port must be known before any node starts,
 * so ports cannot be left to the kernel. All servers stay open until every port is picked so the
 * same port is never handed out twice.
 */
export async function allocatePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({length: count}, () => listen(0)))
  const ports = servers.map((s) => (s.address() as {port: number}).port)
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
  return ports
}

/** Throws a clear error when a fixed port is already taken by someone else. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  try {
    const s = await listen(port)
    await new Promise<void>((r) => s.close(() => r()))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new StreamctlError('DEV_CLUSTER', `port 127.0.0.1:${port} (${what}) is ${code === 'EADDRINUSE' ? 'already in use' : `not usable (${code})`}`, {
      hint: code === 'EADDRINUSE' ? 'stop whatever listens there (see `ss -ltnp`), or pick another --port; an existing dev cluster keeps the ports of its first start (`dev reset` forgets them)' : 'pick another --port',
    })
  }
}

function listen(port: number): Promise<ReturnType<typeof createServer>> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen({port, host: '127.0.0.1', exclusive: true}, () => resolve(s))
  })
}

import {hostname, userInfo} from 'node:os'

/** Who runs this process, for lock holders and audit records. */
export function currentIdentity(): {user: string; host: string; pid: number} {
  let user: string
  try {
    user = userInfo().username
  } catch {
    // userInfo() throws for uids without a passwd entry (containers, CI).
    user = process.env.USER ?? 'unknown'
  }
  return {user, host: hostname(), pid: process.pid}
}

/**
 * An HTTP answer's body read leniently: its text, and its JSON when it is JSON. Error pages (a
 * proxy's HTML, Jetty's 401 page) are not JSON; callers decide what that means for their API.
 */
export async function readJsonBody(res: Response): Promise<{text: string; parsed: unknown}> {
  const text = await res.text()
  if (text === '') return {text, parsed: undefined}
  try {
    return {text, parsed: JSON.parse(text) as unknown}
  } catch {
    return {text, parsed: undefined}
  }
}

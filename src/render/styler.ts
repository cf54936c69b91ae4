/**
 * Colour is injected: renderers stay pure and their tests compare plain text. Commands pass a
 * picocolors-backed styler when stdout is a colour terminal.
 */
export interface Styler {
  add(s: string): string
  change(s: string): string
  remove(s: string): string
  blocked(s: string): string
  dim(s: string): string
  bold(s: string): string
}

const id = (s: string): string => s
export const plainStyler: Styler = {add: id, change: id, remove: id, blocked: id, dim: id, bold: id}

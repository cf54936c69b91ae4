/** Code-unit order: unlike localeCompare it never depends on the ICU data or locale of the machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

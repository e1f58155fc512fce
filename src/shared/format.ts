/** A count for people: rounded, with thousands separators. */
export function formatNumber(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

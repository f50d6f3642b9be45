/** A value as one CSV cell (RFC 4180): quoted, its quotes doubled, when it holds a quote, a comma or a line break. */
export function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

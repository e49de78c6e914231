// Plain-text helpers for the CLI's tables and summaries. Times print in UTC,
// so that output does not depend on where it is read.

/** Rows padded to aligned columns, two spaces apart, no trailing blanks. */
export function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

/** `text` cut to `max` characters, the cut marked with "...". */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** The first non-blank line of a message (a stored error keeps its stack below). */
export function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}

/** `2025-01-31 23:59:59`, in UTC; '-' when there is no time. */
export function formatTime(time: Date | null | undefined): string {
  return time ? time.toISOString().slice(0, 19).replace('T', ' ') : '-';
}

/** A duration as a person reads it: 850ms, 4.2s, 3m05s, 2h03m, 1d02h. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '-';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${(Math.floor(seconds * 10) / 10).toFixed(1)}s`;
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${two(Math.floor(s / 3600) % 24)}h`;
}

/** A JSON value on one line, cut after `max` characters with its full size noted. */
export function summarizeJson(value: unknown, max = 200): string {
  if (value === null || value === undefined) return '-';
  const text = JSON.stringify(value);
  if (text.length <= max) return text;
  const bytes = Buffer.byteLength(text);
  return `${text.slice(0, max)}... (${bytes} bytes in all)`;
}

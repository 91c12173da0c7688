/** A cell Excel would run as a formula if it started the cell unquoted. */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180 text: fields with a comma, quote or line break are quoted, quotes doubled, lines end
 * in CRLF. It starts with a byte-order mark so Excel reads the Chinese as UTF-8, and text that
 * would start a formula is prefixed with `'`.
 */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}

export function csvBlob(rows: readonly (readonly (string | number | null | undefined)[])[]): Blob {
  return new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" });
}

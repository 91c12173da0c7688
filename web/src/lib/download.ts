import { rawFetch } from "../api/client";

/** The file name a `Content-Disposition` header gives (`filename*=` preferred), if any. */
export function fileNameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // A malformed encoding: fall back to the plain name.
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;\s]+)/.exec(disposition);
  const name = plain?.[1] ?? plain?.[2];
  return name ? name.replace(/[\\/]/g, "_") : null;
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * The CSV bytes with a UTF-8 byte-order mark in front, unless they have one: Excel on a Chinese
 * Windows reads a CSV without it as GBK and garbles every customer name.
 */
export function withBom(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (BOM.every((b, i) => bytes[i] === b)) return new Uint8Array(bytes);
  const out = new Uint8Array(bytes.length + BOM.length);
  out.set(BOM, 0);
  out.set(bytes, BOM.length);
  return out;
}

/** Fetches a CSV the API makes (`Accept: text/csv`) and saves it as a file. */
export async function downloadCsv(url: string, fallbackName: string): Promise<void> {
  const response = await rawFetch(url, { headers: { Accept: "text/csv" } });
  const bytes = withBom(new Uint8Array(await response.arrayBuffer()));
  const name = fileNameFrom(response.headers.get("content-disposition")) ?? fallbackName;
  const href = URL.createObjectURL(new Blob([bytes], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  // The click starts the download; the URL is released once the browser has taken it.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

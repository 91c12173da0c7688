import { ApiError, csrfHeader, type Problem, type Schemas } from "../../api/client";

export type ImportJob = Schemas["ImportResponse"];
export type ImportMode = Schemas["Mode"];
export type ImportEncoding = "utf-8" | "gbk" | "gb18030";
export type ImportFormat = "csv" | "ndjson";

/** The largest file the server takes (1 GiB). */
export const MAX_IMPORT_BYTES = 1024 ** 3;

/** What kind of catalog file a name says it is; Excel workbooks must be saved as CSV first. */
export function importFormatOf(fileName: string): ImportFormat | "excel" | null {
  const extension = /\.([^.]+)$/.exec(fileName.toLowerCase())?.[1];
  if (extension === "csv" || extension === "txt") return "csv";
  if (extension === "ndjson" || extension === "jsonl") return "ndjson";
  if (extension === "xlsx" || extension === "xls") return "excel";
  return null;
}

const CONTENT_TYPES: Record<ImportFormat, string> = { csv: "text/csv", ndjson: "application/x-ndjson" };

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * Sends a catalog file to `POST /v1/catalog/imports` with upload progress (fetch cannot report
 * it), and resolves with the import job the server started. `signal` aborts the upload.
 */
export function uploadCatalog(
  file: File,
  options: { format: ImportFormat; mode: ImportMode; encoding?: ImportEncoding },
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<ImportJob> {
  const query = new URLSearchParams({ mode: options.mode });
  if (options.encoding && options.format === "csv") query.set("encoding", options.encoding);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/v1/catalog/imports?${query}`);
    xhr.setRequestHeader("content-type", CONTENT_TYPES[options.format]);
    xhr.setRequestHeader("accept", "application/json");
    for (const [name, value] of Object.entries(csrfHeader())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON: the status alone describes the failure below.
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body as ImportJob);
      else reject(new ApiError(xhr.status, (body ?? {}) as Partial<Problem>));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: "network" }));
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** Counts line feeds in a file's bytes as they are read, for a row estimate before the server knows. */
export function newlineCounter() {
  let newlines = 0;
  let last = 10;
  return {
    push(chunk: Uint8Array) {
      for (let i = 0; i < chunk.length; i += 1) if (chunk[i] === 10) newlines += 1;
      if (chunk.length > 0) last = chunk[chunk.length - 1];
    },
    /** Lines in the file, counting a last line without a line feed. */
    lines(): number {
      return last === 10 ? newlines : newlines + 1;
    },
  };
}

/**
 * Roughly how many rows a file holds: its lines less a CSV's header. A quoted cell with line
 * breaks makes it an over-estimate, which is fine for a progress bar.
 */
export async function estimateRows(file: Blob, format: ImportFormat): Promise<number> {
  const counter = newlineCounter();
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    counter.push(value);
  }
  const lines = file.size === 0 ? 0 : counter.lines();
  return format === "csv" ? Math.max(0, lines - 1) : lines;
}

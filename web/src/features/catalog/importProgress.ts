import type { ImportJob } from "./upload";

export const FINISHED_STATES = new Set(["succeeded", "failed"]);

export function isFinished(job: Pick<ImportJob, "state">): boolean {
  return FINISHED_STATES.has(job.state);
}

export interface ImportFigures {
  /** Parts written: inserted or changed. */
  written: number;
  /** 0-100, or `null` while the size of the file is unknown. */
  percent: number | null;
  /** Rows per second so far. */
  rowsPerSecond: number | null;
  /** Seconds left at the rate so far, when the number of rows is known. */
  etaSeconds: number | null;
}

/**
 * A job's progress: `estimatedRows` is the uploading browser's count of the file's rows (the
 * API does not report a total), so the percentage and the time left are estimates; a
 * running job never shows 100 %.
 */
export function importFigures(
  job: Pick<ImportJob, "state" | "rows_read" | "inserted" | "updated" | "elapsed_ms">,
  estimatedRows: number | null,
): ImportFigures {
  const written = job.inserted + job.updated;
  const seconds = (job.elapsed_ms ?? 0) / 1000;
  const rowsPerSecond = seconds > 0 && job.rows_read > 0 ? job.rows_read / seconds : null;
  if (isFinished(job)) return { written, percent: 100, rowsPerSecond, etaSeconds: null };
  if (!estimatedRows || estimatedRows <= 0) return { written, percent: null, rowsPerSecond, etaSeconds: null };
  const remaining = Math.max(0, estimatedRows - job.rows_read);
  return {
    written,
    percent: Math.min(99, Math.floor((job.rows_read / estimatedRows) * 100)),
    rowsPerSecond,
    etaSeconds: rowsPerSecond ? remaining / rowsPerSecond : null,
  };
}

/** What this browser knows of an upload that the API does not keep: the file's name and rows. */
export interface UploadNote {
  fileName: string;
  size: number;
  estimatedRows: number | null;
}

const NOTES_KEY = "partsdesk.catalog.uploads";
const NOTES_KEPT = 50;

function readNotes(): Record<string, UploadNote> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(NOTES_KEY) ?? "{}");
    return parsed && typeof parsed === "object" ? (parsed as Record<string, UploadNote>) : {};
  } catch {
    return {};
  }
}

export function uploadNote(importId: string): UploadNote | null {
  return readNotes()[importId] ?? null;
}

export function rememberUpload(importId: string, note: UploadNote) {
  // The list shows the 50 most recent imports; older notes are of no use.
  const entries = Object.entries({ ...readNotes(), [importId]: note }).slice(-NOTES_KEPT);
  try {
    localStorage.setItem(NOTES_KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Storage full or disabled: progress then shows counts without a percentage.
  }
}

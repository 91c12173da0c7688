import type { FormInstance } from "antd";
import { ApiError } from "../../api/client";

export type FieldPath = (string | number)[];

/**
 * The form path a problem's `errors[].field` names: a JSON pointer into the body (`/price`,
 * `/fitment/0/make`, with `~1` for `/` and `~0` for `~`) or `query.<name>` / `path.<name>`.
 * Array indices become numbers, as `Form.List` names them.
 */
export function fieldPath(field: string): FieldPath {
  if (field.startsWith("/")) {
    return field
      .slice(1)
      .split("/")
      .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
      .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
  }
  const dot = field.indexOf(".");
  return dot >= 0 ? [field.slice(dot + 1)] : [field];
}

/** The field errors of a problem answer, grouped by path (several messages for one field are kept). */
export function problemFieldErrors(error: unknown): { path: FieldPath; messages: string[] }[] {
  if (!(error instanceof ApiError)) return [];
  const grouped = new Map<string, { path: FieldPath; messages: string[] }>();
  for (const issue of error.problem.errors ?? []) {
    const path = fieldPath(issue.field);
    const key = JSON.stringify(path);
    const entry = grouped.get(key) ?? { path, messages: [] };
    entry.messages.push(issue.message);
    grouped.set(key, entry);
  }
  return [...grouped.values()];
}

/**
 * Shows a problem's field errors on the form fields they name. `fields` lists the form's
 * top-level names, and `normalize` maps a path onto the form item that shows it (a list of
 * tags is one item, however many entries it has), or to `null` when no item can. The result is `true` when every error was
 * shown on the form; otherwise the caller shows the problem as a message too.
 */
export function showFieldErrors(
  form: FormInstance,
  error: unknown,
  fields: readonly string[],
  normalize: (path: FieldPath) => FieldPath | null = (path) => path,
): boolean {
  const errors = problemFieldErrors(error);
  const known = errors.flatMap(({ path, messages }) => {
    const name = fields.includes(String(path[0])) ? normalize(path) : null;
    return name ? [{ name, errors: messages }] : [];
  });
  if (known.length > 0) {
    form.setFields(known);
    form.scrollToField(known[0].name);
  }
  return known.length > 0 && known.length === errors.length;
}

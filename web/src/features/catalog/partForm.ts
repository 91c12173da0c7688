import type { Schemas } from "../../api/client";
import type { FieldPath } from "./formErrors";

export type Part = Schemas["PartResponse"];
export type Fitment = Schemas["FitmentInput"];
export type PartPatch = Schemas["PartRequest"];

/** The edit form's values: numbers as `BRAND:NUMBER (L)` texts, attributes as JSON text. */
export interface PartFormValues {
  sku: string;
  name: string;
  brand: string;
  category: string;
  unit: string;
  description: string;
  price: string;
  stock: number | null;
  active: boolean;
  article_number: string;
  oe_numbers: string[];
  cross_numbers: string[];
  supersedes: string[];
  superseded_by: string[];
  fitment: Fitment[];
  attributes: string;
}

export const PART_FORM_FIELDS: readonly (keyof PartFormValues)[] = [
  "sku",
  "name",
  "brand",
  "category",
  "unit",
  "description",
  "price",
  "stock",
  "active",
  "article_number",
  "oe_numbers",
  "cross_numbers",
  "supersedes",
  "superseded_by",
  "fitment",
  "attributes",
];

/**
 * The form item that shows an error at `path`: a fitment's field, or the first field of a
 * fitment the error names whole; a number list as one item. The fitment list as a whole has
 * no item of its own.
 */
export function partErrorPath(path: FieldPath): FieldPath | null {
  if (path[0] === "fitment") {
    return typeof path[1] === "number" ? ["fitment", path[1], typeof path[2] === "string" ? path[2] : "make"] : null;
  }
  return [path[0]];
}

/** A number in the form the API reads back: `BRAND:NUMBER`, with a side marker as `(L)`. */
export function numberItem(n: Schemas["PartNumberResponse"]): string {
  return `${n.brand ? `${n.brand}:` : ""}${n.number}${n.side ? ` (${n.side})` : ""}`;
}

const REQUEST_KIND: Record<string, keyof PartFormValues> = {
  oe: "oe_numbers",
  interchange: "cross_numbers",
  supersedes: "supersedes",
  superseded_by: "superseded_by",
};

export function formValues(part: Part): PartFormValues {
  const of = (field: keyof PartFormValues) =>
    part.numbers.filter((n) => REQUEST_KIND[n.kind] === field).map(numberItem);
  return {
    sku: part.sku,
    name: part.name,
    brand: part.brand ?? "",
    category: part.category ?? "",
    unit: part.unit ?? "",
    description: part.description ?? "",
    price: part.price ?? "",
    stock: part.stock,
    active: part.active,
    // The article number is the brand's own: its brand is the part's, so it goes without one.
    article_number: part.numbers
      .filter((n) => n.kind === "article")
      .map((n) => `${n.number}${n.side ? ` (${n.side})` : ""}`)
      .join("; "),
    oe_numbers: of("oe_numbers"),
    cross_numbers: of("cross_numbers"),
    supersedes: of("supersedes"),
    superseded_by: of("superseded_by"),
    fitment: part.fitment.map((f) => ({ ...f })),
    attributes: Object.keys(part.attributes).length ? JSON.stringify(part.attributes, null, 2) : "",
  };
}

const emptyToNull = (text: string) => (text.trim() === "" ? null : text.trim());

function cleanFitment(f: Fitment): Fitment {
  return {
    make: f.make.trim(),
    model: emptyToNull(f.model ?? ""),
    year_from: f.year_from ?? null,
    year_to: f.year_to ?? null,
    engine: emptyToNull(f.engine ?? ""),
    note: emptyToNull(f.note ?? ""),
  };
}

/**
 * The fields that changed, as a `PATCH /v1/parts/{id}` body (fields present replace the
 * part's, lists whole; `null` clears). `attributes` must already be valid JSON text.
 */
export function partPatch(before: PartFormValues, after: PartFormValues): PartPatch {
  const patch: PartPatch = {};
  const text = (key: "sku" | "name") => {
    if (after[key].trim() !== before[key]) patch[key] = after[key].trim();
  };
  const optional = (key: "brand" | "category" | "unit" | "description" | "price" | "article_number") => {
    if (after[key].trim() !== before[key]) patch[key] = emptyToNull(after[key]);
  };
  text("sku");
  text("name");
  optional("brand");
  optional("category");
  optional("unit");
  optional("description");
  optional("price");
  optional("article_number");
  if (after.stock !== before.stock) patch.stock = after.stock ?? 0;
  if (after.active !== before.active) patch.active = after.active;
  for (const key of ["oe_numbers", "cross_numbers", "supersedes", "superseded_by"] as const) {
    const list = after[key].map((n) => n.trim()).filter(Boolean);
    if (JSON.stringify(list) !== JSON.stringify(before[key])) patch[key] = list;
  }
  const fitment = after.fitment.map(cleanFitment);
  if (JSON.stringify(fitment) !== JSON.stringify(before.fitment.map(cleanFitment))) patch.fitment = fitment;
  if (after.attributes.trim() !== before.attributes.trim()) {
    patch.attributes = after.attributes.trim() === "" ? {} : (JSON.parse(after.attributes) as Record<string, unknown>);
  }
  return patch;
}

/** Whether text is a JSON object (what `attributes` must be). */
export function isJsonObject(text: string): boolean {
  if (text.trim() === "") return true;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

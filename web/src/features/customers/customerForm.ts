import type { Schemas } from "../../api/client";

export type Customer = Schemas["CustomerResponse"];

export interface CustomerFormValues {
  name: string;
  contact_name: string;
  phone: string;
  email: string;
  address: string;
  price_level: number | null;
  notes: string;
}

export const CUSTOMER_FORM_FIELDS: readonly (keyof CustomerFormValues)[] = [
  "name",
  "contact_name",
  "phone",
  "email",
  "address",
  "price_level",
  "notes",
];

const OPTIONAL = ["contact_name", "phone", "email", "address", "notes"] as const;

export function customerValues(customer?: Customer): CustomerFormValues {
  return {
    name: customer?.name ?? "",
    contact_name: customer?.contact_name ?? "",
    phone: customer?.phone ?? "",
    email: customer?.email ?? "",
    address: customer?.address ?? "",
    price_level: customer?.price_level ?? 0,
    notes: customer?.notes ?? "",
  };
}

/** A new customer's body: empty optional fields are left out. */
export function createBody(values: CustomerFormValues): Schemas["CreateCustomerRequest"] {
  const body: Schemas["CreateCustomerRequest"] = { name: values.name.trim(), price_level: values.price_level ?? 0 };
  for (const key of OPTIONAL) {
    const text = values[key].trim();
    if (text) body[key] = text;
  }
  return body;
}

/** The fields that changed, as a `PATCH /v1/customers/{id}` body; a field emptied is `null` (cleared). */
export function updateBody(before: CustomerFormValues, after: CustomerFormValues): Schemas["UpdateCustomerRequest"] {
  const body: Schemas["UpdateCustomerRequest"] = {};
  if (after.name.trim() !== before.name) body.name = after.name.trim();
  for (const key of OPTIONAL) {
    const text = after[key].trim();
    if (text !== before[key]) body[key] = text === "" ? null : text;
  }
  const level = after.price_level ?? 0;
  if (level !== before.price_level) body.price_level = level;
  return body;
}

/** A price level as the trade says it: a discount off the list price, in percent. */
export function priceLevelText(level: number): string {
  return `${Number(level.toFixed(2))}%`;
}

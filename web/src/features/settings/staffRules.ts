import type { Schemas } from "../../api/client";

export type Role = Schemas["Role"];
export type StaffMember = Schemas["UserResponse"];

/**
 * The roles a person may give when adding or changing staff, as the permission table says:
 * the owner gives admin, sales and viewer; an admin gives sales and viewer; nobody gives owner.
 */
export function assignableRoles(role: Role): Role[] {
  if (role === "owner") return ["admin", "sales", "viewer"];
  if (role === "admin") return ["sales", "viewer"];
  return [];
}

/**
 * Whether `me` may edit or remove `target`: never themselves, never the owner (not managed
 * through the staff API), and only accounts whose role they could have given.
 */
export function canManage(me: Pick<StaffMember, "id" | "role">, target: Pick<StaffMember, "id" | "role">): boolean {
  return target.id !== me.id && target.role !== "owner" && assignableRoles(me.role).includes(target.role);
}

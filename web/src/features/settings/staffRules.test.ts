import { describe, expect, it } from "vitest";
import { assignableRoles, canManage } from "./staffRules";

const owner = { id: "usr_owner", role: "owner" as const };
const admin = { id: "usr_admin", role: "admin" as const };
const otherAdmin = { id: "usr_admin2", role: "admin" as const };
const sales = { id: "usr_sales", role: "sales" as const };
const viewer = { id: "usr_viewer", role: "viewer" as const };

describe("staff permissions", () => {
  it("lets the owner manage admins, sales and viewers", () => {
    expect(assignableRoles("owner")).toEqual(["admin", "sales", "viewer"]);
    expect([admin, sales, viewer].every((t) => canManage(owner, t))).toBe(true);
  });

  it("lets an admin manage sales and viewers only", () => {
    expect(assignableRoles("admin")).toEqual(["sales", "viewer"]);
    expect(canManage(admin, sales)).toBe(true);
    expect(canManage(admin, viewer)).toBe(true);
    expect(canManage(admin, otherAdmin)).toBe(false);
    expect(canManage(admin, owner)).toBe(false);
  });

  it("lets nobody manage themselves or the owner, and sales and viewers nobody", () => {
    expect(canManage(owner, owner)).toBe(false);
    expect(canManage(admin, admin)).toBe(false);
    expect(assignableRoles("sales")).toEqual([]);
    expect(assignableRoles("viewer")).toEqual([]);
    expect(canManage(sales, viewer)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { fieldPath, problemFieldErrors } from "./formErrors";
import { rowErrors } from "./rowErrors";

const problem = (errors: { field: string; message: string }[]) =>
  new ApiError(422, { code: "validation_failed", errors: errors.map((e) => ({ ...e, code: "invalid" })) });

describe("fieldPath", () => {
  it("reads JSON pointers, with list indices as numbers", () => {
    expect(fieldPath("/price")).toEqual(["price"]);
    expect(fieldPath("/fitment/0/make")).toEqual(["fitment", 0, "make"]);
    expect(fieldPath("/attributes/a~1b~0c")).toEqual(["attributes", "a/b~c"]);
    expect(fieldPath("/groups/007")).toEqual(["groups", "007"]);
  });

  it("reads query and path parameters by name", () => {
    expect(fieldPath("query.q")).toEqual(["q"]);
    expect(fieldPath("path.id")).toEqual(["id"]);
  });
});

describe("problemFieldErrors", () => {
  it("groups several messages for one field", () => {
    expect(
      problemFieldErrors(
        problem([
          { field: "/email", message: "required" },
          { field: "/email", message: "too long" },
          { field: "/name", message: "required" },
        ]),
      ),
    ).toEqual([
      { path: ["email"], messages: ["required", "too long"] },
      { path: ["name"], messages: ["required"] },
    ]);
  });

  it("finds nothing in errors that are not problems", () => {
    expect(problemFieldErrors(new Error("boom"))).toEqual([]);
  });
});

describe("rowErrors", () => {
  it("puts each error on its row and keeps the list's own", () => {
    const found = rowErrors(
      problem([
        { field: "/aliases/3/make", message: "required" },
        { field: "/aliases/3", message: "duplicate" },
        { field: "/aliases", message: "at most 2000" },
      ]),
      "aliases",
    );
    expect(found.rows).toEqual(new Map([[3, ["make: required", "duplicate"]]]));
    expect(found.list).toEqual(["at most 2000"]);
  });
});

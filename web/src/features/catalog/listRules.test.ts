import { describe, expect, it } from "vitest";
import { aliasProblems, synonymProblems } from "./listRules";
import { catalogMessages } from "./messages";

const m = catalogMessages["zh-CN"];

describe("synonymProblems", () => {
  it("wants 2-20 words of at most 50 characters", () => {
    expect(synonymProblems(["机滤", "机油滤清器", "机油格"], m)).toEqual([]);
    expect(synonymProblems(["机滤"], m)).toEqual([m.synonymTooFew]);
    expect(synonymProblems(Array.from({ length: 21 }, (_, i) => `词${i}`), m)).toEqual([m.synonymTooMany]);
    expect(synonymProblems(["火嘴", "火".repeat(51)], m)).toEqual([m.synonymTooLong]);
  });
});

describe("aliasProblems", () => {
  const row = (key: number, alias: string, make: string, model = "") => ({ key, alias, make, model });

  it("accepts aliases with a make, with or without a model", () => {
    expect(aliasProblems([row(1, "小卡", "丰田", "卡罗拉"), row(2, "大众", "VW")], m).size).toBe(0);
  });

  it("names each row's problems, duplicates compared without case", () => {
    const problems = aliasProblems([row(1, "Rav", "TOYOTA"), row(2, "rav", "TOYOTA"), row(3, "x", ""), row(4, "凯美瑞", "丰田", "C".repeat(81))], m);
    expect(problems.get(1)).toBeUndefined();
    expect(problems.get(2)).toEqual([m.aliasDuplicate]);
    expect(problems.get(3)).toEqual([m.aliasLength, m.aliasMakeRequired]);
    expect(problems.get(4)).toEqual([m.aliasModelLong]);
  });
});

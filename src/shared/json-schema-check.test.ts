import { describe, expect, it } from "vitest";
import { compileCheck } from "./json-schema-check.js";

describe("compileCheck", () => {
  const check = compileCheck({
    type: "object",
    properties: {
      id: { type: "string", minLength: 1 },
      flag: { type: "boolean" },
      params: { anyOf: [{ type: "object" }, { type: "null" }] },
      list: { type: "array", items: { type: "object", properties: { arn: { type: "string" } } } },
    },
    required: ["id"],
    additionalProperties: false,
  });

  it("holds values to the types, lengths and required keys the schema names", () => {
    expect(check({ id: "a" })).toBe(true);
    expect(check({ id: "a", flag: false, params: null, list: [{ arn: "x" }, {}], other: [1] })).toBe(true);
    expect(check({ id: "" })).toBe(false);
    expect(check({})).toBe(false);
    expect(check({ id: "a", flag: "true" })).toBe(false);
    expect(check({ id: "a", params: [] })).toBe(false);
    expect(check({ id: "a", list: {} })).toBe(false);
    expect(check({ id: "a", list: [{ arn: 5 }] })).toBe(false);
    expect(check([])).toBe(false);
    expect(check(null)).toBe(false);
  });

  it("refuses to compile a keyword it would not check", () => {
    expect(() => compileCheck({ type: "string", pattern: "^a" })).toThrow(/unsupported keyword pattern/);
    expect(() => compileCheck({ type: "object", properties: { a: { format: "date-time" } } })).toThrow(
      /format/,
    );
    expect(() => compileCheck({ type: "tuple" })).toThrow(/unsupported type/);
  });

  it("treats a property name as data, never as code", () => {
    const odd = compileCheck({ type: "object", properties: { '"]; return true; //': { type: "string" } } });
    expect(odd({ '"]; return true; //': 5 })).toBe(false);
    expect(odd({ '"]; return true; //': "x" })).toBe(true);
  });
});

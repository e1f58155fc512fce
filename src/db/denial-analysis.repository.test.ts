import { describe, expect, it } from "vitest";
import { incidentList } from "./denial-analysis.repository.js";

describe("incidentList", () => {
  it("reads an incident's list column, keeping only its strings", () => {
    expect(incidentList('["b","a",3,null,"c"]')).toEqual(["b", "a", "c"]);
    expect(incidentList("[]")).toEqual([]);
  });

  it("reads a damaged or non-list value as an empty list instead of failing the page or the API", () => {
    expect(incidentList('["a",')).toEqual([]);
    expect(incidentList('{"a":1}')).toEqual([]);
    expect(incidentList("")).toEqual([]);
  });
});

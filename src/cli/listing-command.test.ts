import { describe, expect, it } from "vitest";
import { DenialQuery } from "../denials/denials.schemas.js";
import { LISTING_PARAMS, listingQuery } from "./listing-command.js";

describe("the listing commands' filter flags", () => {
  it("name every parameter of GET /v1/denials's query once (includeNoise is the --include-noise switch)", () => {
    const params = Object.values(LISTING_PARAMS);
    expect(new Set(params).size).toBe(params.length);
    expect([...params, "includeNoise"].sort()).toEqual(Object.keys(DenialQuery.shape).sort());
  });

  it("become the API's query, parsed and defaulted by its schema", () => {
    expect(
      listingQuery({ role: "arn:aws:iam::111122223333:role/r", text: "orders", "include-noise": true }),
    ).toEqual({ roleArn: "arn:aws:iam::111122223333:role/r", q: "orders", includeNoise: "true", limit: 50 });
    expect(listingQuery({ limit: "7", "task-definition": "web:3" })).toEqual({
      limit: 7,
      taskDefinition: "web:3",
    });
  });

  it("name the flag of the first parameter the schema refuses", () => {
    expect(listingQuery({ "task-definition": "web:x" })).toMatch(/^--task-definition: /);
    expect(listingQuery({ text: "" })).toMatch(/^--text: /);
    expect(listingQuery({ role: "r" })).toMatch(/^--role: /);
  });
});

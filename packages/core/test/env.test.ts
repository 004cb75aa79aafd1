import { describe, expect, it } from "vitest";
import { choice, envReader, flag, integer, optionalList, optionalText, optionalUrl, text } from "../src/env";

const read = envReader("settings", {
  NAME: text("fallback"),
  REGION: optionalText,
  PORT: integer(1, 65535, 5432),
  POOL: integer(1, 100, 10),
  SSL: choice(["disable", "verify-full"]),
  IAM: flag,
});

describe("envReader", () => {
  it("gives the default for unset and blank variables", () => {
    expect(read({ NAME: "  ", REGION: "", PORT: " " })).toEqual({
      NAME: "fallback",
      REGION: undefined,
      PORT: 5432,
      POOL: 10,
      SSL: undefined,
      IAM: false,
    });
  });

  it("trims the values given and reads only the variables it names", () => {
    expect(read({ NAME: " data-api ", REGION: " eu-west-1 ", PORT: " 6432 ", OTHER: "x" })).toEqual({
      NAME: "data-api",
      REGION: "eu-west-1",
      PORT: 6432,
      POOL: 10,
      SSL: undefined,
      IAM: false,
    });
  });

  it("matches choices and flags whatever their case", () => {
    expect(read({ SSL: "Verify-Full", IAM: "TRUE" })).toMatchObject({ SSL: "verify-full", IAM: true });
    expect(read({ IAM: "1" }).IAM).toBe(true);
    expect(read({ IAM: "False" }).IAM).toBe(false);
    expect(read({ IAM: "0" }).IAM).toBe(false);
  });

  it("refuses every wrong value at once, naming the variable, the rule and the value", () => {
    expect(() => read({ PORT: "54x", POOL: "1.5", SSL: "maybe", IAM: "yes" })).toThrow(
      'Invalid settings: PORT must be an integer from 1 to 65535, not "54x"; ' +
        'POOL must be an integer from 1 to 100, not "1.5"; SSL must be one of disable, verify-full, not "maybe"; ' +
        'IAM must be one of true, false, 1, 0, not "yes"',
    );
    expect(() => read({ POOL: "0" })).toThrow('Invalid settings: POOL must be an integer from 1 to 100, not "0"');
    expect(() => read({ POOL: "101" })).toThrow('POOL must be an integer from 1 to 100, not "101"');
  });
});

describe("URLs and lists", () => {
  const readAuth = envReader("settings", { ISSUER: optionalUrl, AUDIENCES: optionalList });

  it("keeps an http(s) URL as written and splits a list on commas, trimming each item", () => {
    expect(readAuth({ ISSUER: " https://issuer.example/pool/ ", AUDIENCES: "a, b ,c" })).toEqual({
      ISSUER: "https://issuer.example/pool/",
      AUDIENCES: ["a", "b", "c"],
    });
    expect(readAuth({})).toEqual({ ISSUER: undefined, AUDIENCES: undefined });
  });

  it("refuses what is not an http(s) URL, and empty items", () => {
    expect(() => readAuth({ ISSUER: "issuer.example", AUDIENCES: "a,,b" })).toThrow(
      'Invalid settings: ISSUER must be an http or https URL, not "issuer.example"; AUDIENCES must be a comma-separated list without empty items',
    );
    expect(() => readAuth({ ISSUER: "file:///etc/passwd" })).toThrow("ISSUER must be an http or https URL");
  });
});

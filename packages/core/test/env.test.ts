import { describe, expect, it } from "vitest";
import { EnvReader } from "../src/env";

describe("EnvReader", () => {
  it("gives the default for unset and blank variables, and trims the others", () => {
    const read = new EnvReader({ BLANK: "  ", NAME: " data-api ", PORT: " 6432 " });

    expect(read.text("UNSET", "fallback")).toBe("fallback");
    expect(read.text("BLANK", "fallback")).toBe("fallback");
    expect(read.text("NAME", "fallback")).toBe("data-api");
    expect(read.integer("PORT", 1, 65535, 5432)).toBe(6432);
    expect(read.integer("UNSET", 1, 65535, 5432)).toBe(5432);
    expect(read.choice("UNSET", ["a", "b"])).toBeUndefined();
    expect(read.flag("UNSET")).toBe(false);
    expect(() => read.check("settings")).not.toThrow();
  });

  it("matches choices and flags whatever their case", () => {
    const read = new EnvReader({ SSL: "Verify-Full", ON: "TRUE", ONE: "1", OFF: "0" });

    expect(read.choice("SSL", ["disable", "verify-full"])).toBe("verify-full");
    expect([read.flag("ON"), read.flag("ONE"), read.flag("OFF")]).toEqual([true, true, false]);
  });

  it("refuses every wrong value at once, naming the variable, the rule and the value", () => {
    const read = new EnvReader({ PORT: "54x", POOL: "0", RATIO: "1.5", SSL: "maybe", IAM: "yes" });
    read.integer("PORT", 1, 65535, 5432);
    read.integer("POOL", 1, 100, 10);
    read.integer("RATIO", 1, 100, 10);
    read.choice("SSL", ["disable", "require"]);
    read.flag("IAM");

    expect(() => read.check("database settings")).toThrow(
      'Invalid database settings: PORT must be an integer from 1 to 65535, not "54x"; ' +
        'POOL must be an integer from 1 to 100, not "0"; RATIO must be an integer from 1 to 100, not "1.5"; ' +
        'SSL must be one of disable, require, not "maybe"; IAM must be one of true, false, 1, 0, not "yes"',
    );
  });
});

import { describe, expect, it } from "vitest";
import { contrastRatio } from "./support/contrast";

// The browser test's contrast check is only as good as this arithmetic, so it is pinned to known WCAG values.
describe("contrastRatio", () => {
  it("matches the WCAG reference points", () => {
    expect(contrastRatio("rgb(0, 0, 0)", "rgb(255, 255, 255)")).toBeCloseTo(21, 5);
    expect(contrastRatio("rgb(255, 255, 255)", "rgb(255, 255, 255)")).toBe(1);
    expect(contrastRatio("rgb(118, 118, 118)", "rgb(255, 255, 255)")).toBeCloseTo(4.54, 2);
    expect(contrastRatio("rgb(255, 255, 255)", "rgba(119, 119, 119, 1)")).toBeCloseTo(4.48, 2);
  });

  it("refuses colours it cannot read rather than guessing", () => {
    expect(() => contrastRatio("oklch(0.5 0.1 200)", "rgb(0, 0, 0)")).toThrow(/not an rgb\(\) colour/);
  });
});

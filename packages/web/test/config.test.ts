import { describe, expect, it } from "vitest";
import { apiBaseUrl } from "../src/config";

describe("apiBaseUrl", () => {
  it("means the page's own origin when VITE_API_URL is unset or blank", () => {
    expect(apiBaseUrl(undefined)).toBe("");
    expect(apiBaseUrl("  ")).toBe("");
  });

  it("drops trailing slashes so that paths can be appended", () => {
    expect(apiBaseUrl("https://api.example.com/")).toBe("https://api.example.com");
    expect(apiBaseUrl(" https://example.com/api// ")).toBe("https://example.com/api");
    expect(apiBaseUrl("http://localhost:3000")).toBe("http://localhost:3000");
  });

  it("refuses what cannot be an API base URL, naming the setting", () => {
    expect(() => apiBaseUrl("api.example.com")).toThrow(/VITE_API_URL must be an absolute http\(s\) URL/);
    expect(() => apiBaseUrl("ftp://api.example.com")).toThrow(/VITE_API_URL must use http or https/);
    expect(() => apiBaseUrl("https://api.example.com/?stage=prod")).toThrow(/query or fragment/);
    expect(() => apiBaseUrl("https://api.example.com/#x")).toThrow(/query or fragment/);
  });
});

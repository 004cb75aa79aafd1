import { describe, expect, it } from "vitest";
import { apiBaseUrl, checkBuildApiUrl, DEPLOY_TIME_API_URL } from "../src/config";

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

describe("checkBuildApiUrl", () => {
  it("lets SST's deploy-time placeholder through, which the uploader replaces after the build", () => {
    expect(() => checkBuildApiUrl(DEPLOY_TIME_API_URL)).not.toThrow();
  });

  it("checks every other value as the page will", () => {
    expect(() => checkBuildApiUrl("https://api.example.com")).not.toThrow();
    expect(() => checkBuildApiUrl("{{ OTHER_URL }}")).toThrow(/VITE_API_URL must be an absolute/);
    expect(() => checkBuildApiUrl(" {{ VITE_API_URL }}x")).toThrow(/VITE_API_URL must be an absolute/);
  });

  it("leaves a placeholder that was never replaced to fail the page", () => {
    expect(() => apiBaseUrl(DEPLOY_TIME_API_URL)).toThrow(/VITE_API_URL must be an absolute/);
  });
});

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { flushLines, writeLines } from "../src/observability/stdout-lines";

const turn = () => new Promise((resolve) => setImmediate(resolve));
const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("the terminal's lines", () => {
  afterEach(() => {
    flushLines();
    vi.restoreAllMocks();
  });

  it("go out together: at the end of the turn after a quiet spell, then at most every 20 ms", async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (writes.push(String(chunk)), true));
    // Whatever an earlier test left, and then a quiet spell.
    flushLines();
    await new Promise((resolve) => setTimeout(resolve, 25));
    writes.length = 0;

    writeLines("one\n");
    writeLines("two\n");
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(["one\ntwo\n"]);

    writeLines("three\n");
    await turn();
    writeLines("four\n");
    await turn();
    expect(writes).toEqual(["one\ntwo\n"]);
    await vi.waitFor(() => expect(writes).toEqual(["one\ntwo\n", "three\nfour\n"]), { timeout: 100, interval: 1 });
  });

  it("keep their order and their characters across writes, however long a line", async () => {
    const chunks: Buffer[] = [];
    // Kept as given, as a stream that has yet to write them keeps them: a reused batch would show here.
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer)), true));
    // Enough lines, with characters of two, three and four bytes, to fill more than one write; and one longer than any.
    const lines = Array.from({ length: 2_000 }, (_, i) => `${i} café 𝄞 ${"€".repeat(i % 50)}\n`);
    lines.splice(1_000, 0, `${"é".repeat(40_000)}\n`);
    for (const line of lines) writeLines(line);
    flushLines();
    expect(chunks.length).toBeGreaterThan(2);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(lines.join(""));
  });

  it("are all written when the process exits at once", () => {
    const script = 'import { writeLines } from "./packages/functions/src/observability/stdout-lines.ts"; writeLines("a\\n"); writeLines("b\\n"); process.exit(0);';
    const output = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(output).toBe("a\nb\n");
  });
});

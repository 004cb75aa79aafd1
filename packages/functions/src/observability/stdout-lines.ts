/**
 * Lines for stdout, written together: a terminal or pipe write is a system call that also wakes whatever reads the
 * other end, and one per turn of the event loop cost the local server 5 us a request under load. A line after a
 * quiet spell goes out at the end of its turn; under load, one write carries the lines of 20 ms.
 *
 * The lines wait as bytes, so that each line's strings die young: held as strings, the lines of the last 20 ms were
 * alive at every young collection under load, which copied them into the old generation.
 */
const FLUSH_INTERVAL_MS = 20;
const BATCH_BYTES = 32 * 1024;
// The most bytes a string's UTF-16 code unit takes in UTF-8.
const MAX_BYTES_PER_UNIT = 3;

const batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
let used = 0;
let scheduled = false;
let lastWrite = Number.NEGATIVE_INFINITY;

function write(chunk: Buffer | string): void {
  process.stdout.write(chunk);
  lastWrite = performance.now();
}

/** Writes the lines held so far; on exit too, so that none is lost. */
export function flushLines(): void {
  scheduled = false;
  if (used === 0) return;
  // A copy of what is held, sized to it: the stream may keep what it is given until written, and the batch takes
  // the next lines at once.
  const written = Buffer.from(batch.subarray(0, used));
  used = 0;
  write(written);
}
process.on("exit", flushLines);

/** Holds `text` (whole lines) for the next write. */
export function writeLines(text: string): void {
  const room = text.length * MAX_BYTES_PER_UNIT;
  if (used + room > BATCH_BYTES) {
    flushLines();
    if (room > BATCH_BYTES) return write(text);
  }
  used += batch.write(text, used);
  if (scheduled) return;
  scheduled = true;
  const wait = lastWrite + FLUSH_INTERVAL_MS - performance.now();
  if (wait <= 0) setImmediate(flushLines);
  else setTimeout(flushLines, wait).unref();
}

// One link of a Link header: `<target>` then its `; param=value` list, up to the next link.
const LINK = /<([^>]*)>([^<]*)/g;
const REL = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i;
const CURSOR = /^\d+$/;

/** The `after` cursor of the next page, read from the target of the `rel="next"` link (RFC 8288), if any. */
export function nextCursor(header: string | null): number | undefined {
  for (const [, target = "", params = ""] of (header ?? "").matchAll(LINK)) {
    const rel = REL.exec(params);
    const relations = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (!relations.includes("next")) continue;
    // The target may be relative; only its query matters, so any base will do.
    const after = new URL(target, "http://localhost").searchParams.get("after") ?? "";
    return CURSOR.test(after) ? Number(after) : undefined;
  }
  return undefined;
}

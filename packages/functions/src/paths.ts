import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Locations inside the repository, for the hosts that run from a checkout (`npm start`, tests, scripts). */
export const paths = {
  migrations: `${repoRoot}drizzle`,
  // PGLITE_DIR lets tests (and a second checkout) run on a database of their own.
  pglite: process.env.PGLITE_DIR || `${repoRoot}.data/pglite`,
  webDist: `${repoRoot}packages/web/dist`,
};

import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Locations inside the repository, for the hosts that run from a checkout (`npm start`, tests, scripts). */
export const paths = {
  migrations: `${repoRoot}drizzle`,
  /** Where `npm start` keeps its embedded database unless PGLITE_DIR says otherwise. */
  pglite: `${repoRoot}.data/pglite`,
  webDist: `${repoRoot}packages/web/dist`,
};

/** The database of the hosts that run from a checkout (`npm start`, tests, scripts): PostgreSQL, or the embedded PGlite. */
export { openDatabase } from "./open";
export { PgliteFolderError } from "./pglite-folder";

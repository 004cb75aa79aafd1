/** The "data" records: `Data.create`, `Data.list`, `Data.remove`, `Data.health`, and the schemas their input comes through. */
export * as Data from "./data";
export type { CreateInput, Info, ListInput, Page, Removed } from "./data";

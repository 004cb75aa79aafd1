/**
 * Who may write: a caller whose token grants this OAuth scope. Cognito spells a custom scope
 * `<resource server>/<scope>`: the stacks create the resource server and scope, the API checks it, the page asks
 * for it.
 */
export const WRITE_SCOPE = { resourceServer: "data", scope: "write", full: "data/write" } as const;

/** How a stage lets writes in: anyone (the Flask contract), or callers signed in with WRITE_SCOPE. */
export const WRITE_ACCESS = ["public", "signed-in"] as const;
export type WriteAccess = (typeof WRITE_ACCESS)[number];

import type { WriteAccess } from "@data-api/core/access";
import { envReader, optionalList, optionalUrl, type EnvOf } from "@data-api/core/env";
import type { RuntimeSettings } from "../settings";

/**
 * How `npm start` checks writes. With AUTH_ISSUER and AUTH_AUDIENCE it verifies bearer tokens itself
 * (host/token-verifier.ts), as API Gateway's JWT authorizer does in the cloud, and writes are "signed-in";
 * without them writes are public, as the Flask app's were.
 */
export interface TokenIssuer {
  /** The issuer's URL, as its tokens' `iss` says it; its discovery document names its keys. */
  issuer: string;
  /** What a token's `aud` (or, for Cognito's access tokens, which have none, `client_id`) must be one of. */
  audiences: string[];
}

export interface LocalAccess {
  writes: WriteAccess;
  /** Whose tokens to accept, when writes are signed-in. */
  tokens?: TokenIssuer;
}

const AUTH_SETTINGS = {
  AUTH_ISSUER: optionalUrl,
  AUTH_AUDIENCE: optionalList,
};
const readAuthEnv = envReader("server settings", AUTH_SETTINGS);

/** The access rule of `npm start`, from AUTH_ISSUER, AUTH_AUDIENCE and WRITES (already read into `settings`). */
export function localAccess(env: Record<string, string | undefined>, { writes }: Pick<RuntimeSettings, "writes">): LocalAccess {
  const { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audiences } = readAuthEnv(env);
  if ((issuer === undefined) !== (audiences === undefined)) {
    throw new Error(
      "Invalid server settings: AUTH_ISSUER and AUTH_AUDIENCE go together (the issuer whose tokens to accept, and the audiences they must be for)",
    );
  }
  if (issuer === undefined || audiences === undefined) {
    if (writes === "signed-in") {
      throw new Error("Invalid server settings: WRITES=signed-in needs AUTH_ISSUER and AUTH_AUDIENCE, to verify the tokens with");
    }
    return { writes: "public" };
  }
  // WRITES unset reads as "public"; only one said on purpose contradicts the issuer.
  if (env.WRITES?.trim().toLowerCase() === "public") {
    throw new Error("Invalid server settings: WRITES=public contradicts AUTH_ISSUER, which makes writes signed-in; unset one of them");
  }
  return { writes: "signed-in", tokens: { issuer, audiences } };
}

/** The environment `localAccess` reads `tokens` from: for a test or script starting `npm start` against an issuer. */
export function authEnv({ issuer, audiences }: TokenIssuer): EnvOf<typeof AUTH_SETTINGS> {
  return { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audiences.join(",") };
}

/**
 * The part of oidc-provider 8's API that test/support/oidc.ts uses: the package ships no types, and
 * @types/oidc-provider is not installed. Shapes from node_modules/oidc-provider/lib/helpers/defaults.js.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    grant_types?: string[];
    response_types?: string[];
    redirect_uris?: string[];
    post_logout_redirect_uris?: string[];
    token_endpoint_auth_method?: string;
    [other: string]: unknown;
  }

  interface Client {
    clientId: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  interface Grant {
    addOIDCScope(scope: string): void;
    addResourceScope(indicator: string, scope: string): void;
    save(): Promise<string>;
  }

  interface GrantConstructor {
    new (properties: { clientId: string; accountId: string | undefined }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  /** The koa context oidc-provider hands its helpers. */
  interface KoaContextWithOIDC {
    get(header: string): string;
    oidc: {
      client?: Client;
      session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
      result?: { consent?: { grantId?: string } };
      provider: { Grant: GrantConstructor };
    };
  }

  interface ResourceServer {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: "opaque" | "jwt";
    jwt?: { sign?: { alg: string } | false };
  }

  interface Account {
    accountId: string;
    claims(): Record<string, unknown> | Promise<Record<string, unknown>>;
  }

  export interface Configuration {
    clients?: ClientMetadata[];
    jwks?: { keys: object[] };
    cookies?: { keys?: string[] };
    /** Lifetimes in seconds, by artifact (AccessToken, ClientCredentials, Session, ...). */
    ttl?: Record<string, number | ((ctx: KoaContextWithOIDC, token: { resourceServer?: { accessTokenTTL?: number } }, client: Client) => number)>;
    features?: {
      devInteractions?: { enabled: boolean };
      clientCredentials?: { enabled: boolean };
      revocation?: { enabled: boolean };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?(ctx: KoaContextWithOIDC, client: Client, oneOf?: string[]): string | string[] | undefined | Promise<string | string[] | undefined>;
        useGrantedResource?(ctx: KoaContextWithOIDC, model: unknown): boolean | Promise<boolean>;
        getResourceServerInfo?(ctx: KoaContextWithOIDC, indicator: string, client: Client): ResourceServer | Promise<ResourceServer>;
      };
    };
    loadExistingGrant?(ctx: KoaContextWithOIDC): Promise<Grant | undefined>;
    findAccount?(ctx: KoaContextWithOIDC, sub: string): Account | undefined | Promise<Account | undefined>;
    issueRefreshToken?(ctx: KoaContextWithOIDC, client: Client, code: unknown): boolean | Promise<boolean>;
    clientBasedCORS?(ctx: KoaContextWithOIDC, origin: string, client: Client): boolean;
  }

  export const errors: { InvalidTarget: new (description?: string) => Error };

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}

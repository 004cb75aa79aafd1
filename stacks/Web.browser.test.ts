import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@data-api/core/db/local";
import { serve, type ServerType } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import AdmZip from "adm-zip";
import { globSync } from "glob";
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../packages/functions/src/app";
import { paths } from "../packages/functions/src/paths";
import { silentTelemetry } from "../packages/functions/test/support/app";
import { DEPLOY_TIME_API_URL } from "../packages/web/src/config";
import { launchChromium, skipBrowserTests } from "../packages/web/test/support/chromium";
import { synthesized, type Synthesized } from "./testing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Resource = { Type: string; Properties: any };
interface Replacement {
  files: string;
  search: string;
  replace: unknown;
}

/**
 * What SST's S3Uploader custom resource does to each zipped part of the site before uploading it
 * (sst/support/custom-resources/index.mjs, batchProcessor): unzip, then for each replaceValues entry replace every
 * occurrence of `search` in the files its glob matches.
 */
function uploadAsSstDoes(zips: string[], into: string, replacements: Replacement[], resolve: (value: unknown) => string) {
  for (const zip of zips) new AdmZip(zip).extractAllTo(into, true);
  for (const { files, search, replace } of replacements) {
    for (const file of globSync(files, { cwd: into, nodir: true, dot: true })) {
      const path = join(into, file);
      writeFileSync(path, readFileSync(path, "utf8").replaceAll(search, resolve(replace)));
    }
  }
}

const listen = (fetch: (request: Request) => Response | Promise<Response>, hostname: string) =>
  new Promise<{ server: ServerType; url: string }>((resolve) => {
    const server = serve({ fetch, port: 0, hostname }, (info: AddressInfo) => resolve({ server, url: `http://${hostname}:${info.port}` }));
  });

/** Every file of the site, as text. */
const siteText = (dir: string) =>
  globSync("**/*", { cwd: dir, nodir: true }).map((file) => ({ file, text: readFileSync(join(dir, file), "utf8") }));

describe.skipIf(skipBrowserTests)("a stage without a custom domain: the page built for a deploy-time API URL", () => {
  let local: Synthesized;
  let siteDir: string;
  let builtText: { file: string; text: string }[];
  let apiUrl: string;
  let siteUrl: string;
  let browser: Browser;
  const servers: ServerType[] = [];
  let closeDatabase: () => Promise<void>;

  beforeAll(async () => {
    local = await synthesized("local");
    const [uploader] = Object.values(local.template("Web").findResources("Custom::S3Uploader")) as Resource[];
    const replacements: Replacement[] = uploader!.Properties.replaceValues;
    const [api] = Object.entries(local.template("Api").findResources("AWS::ApiGatewayV2::Api")) as [string, Resource][];
    const [apiId, apiResource] = api!;

    // API Gateway's part: CORS as the template configures it, in front of the app.
    const database = await openDatabase({ driver: "pglite" });
    await database.migrate(paths.migrations);
    closeDatabase = database.close;
    const app = createApp({ db: database.db, stage: "local", version: "9.9.9", healthTimeoutMs: 1_000, telemetry: silentTelemetry() });
    const corsConfig = apiResource.Properties.CorsConfiguration;
    const gateway = new Hono()
      .use(
        cors({
          origin: corsConfig.AllowOrigins.includes("*") ? "*" : corsConfig.AllowOrigins,
          allowMethods: corsConfig.AllowMethods,
          allowHeaders: corsConfig.AllowHeaders,
          exposeHeaders: corsConfig.ExposeHeaders,
          maxAge: corsConfig.MaxAge,
        }),
      )
      .route("/", app);
    const apiServer = await listen(gateway.fetch, "127.0.0.1");
    servers.push(apiServer.server);
    apiUrl = apiServer.url;

    // The zip the deploy uploads, before and after the uploader's replacement. The replacement must stand for the
    // HTTP API's endpoint, which is what our API stand-in plays.
    const zipDir = local.sites["Web/Site"]!;
    const zips = readdirSync(zipDir).filter((file) => /^part\d+\.zip$/.test(file)).map((file) => join(zipDir, file));
    expect(zips.length).toBeGreaterThan(0);
    const built = await mkdtemp(join(tmpdir(), "data-api-site-built-"));
    uploadAsSstDoes(zips, built, [], String);
    builtText = siteText(built);
    await rm(built, { recursive: true, force: true });

    siteDir = await mkdtemp(join(tmpdir(), "data-api-site-"));
    uploadAsSstDoes(zips, siteDir, replacements, (value) => {
      const imported = (value as { "Fn::ImportValue": string })["Fn::ImportValue"];
      expect(local.exported(imported)).toEqual({ stack: "Api", value: { "Fn::GetAtt": [apiId, "ApiEndpoint"] } });
      return apiUrl;
    });

    // CloudFront's part: the bucket's files on another origin than the API, with the response headers policy's
    // Content-Security-Policy (the one header a browser enforces on plain http).
    const [policy] = Object.values(local.template("Web").findResources("AWS::CloudFront::ResponseHeadersPolicy")) as Resource[];
    const csp = policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    const [separator, parts] = typeof csp === "string" ? ["", [csp]] : (csp["Fn::Join"] as [string, unknown[]]);
    const contentSecurityPolicy = parts.map((part) => (typeof part === "string" ? part : apiUrl)).join(separator);
    const index = await readFile(join(siteDir, "index.html"), "utf8");
    const cdn = new Hono()
      .use(async (c, next) => {
        await next();
        c.header("Content-Security-Policy", contentSecurityPolicy);
      })
      .get("/", (c) => c.html(index))
      .get("/assets/*", serveStatic({ root: siteDir }));
    const siteServer = await listen(cdn.fetch, "localhost");
    servers.push(siteServer.server);
    siteUrl = siteServer.url;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) server.close();
    await closeDatabase?.();
    if (siteDir) await rm(siteDir, { recursive: true, force: true });
  });

  it("is built with SST's placeholder in its script, which the upload replaces everywhere", () => {
    expect(builtText.some(({ file, text }) => file.endsWith(".js") && text.includes(DEPLOY_TIME_API_URL))).toBe(true);
    const uploaded = siteText(siteDir);
    expect(uploaded.filter(({ text }) => text.includes("{{ ")).map(({ file }) => file)).toEqual([]);
    expect(uploaded.some(({ text }) => text.includes(apiUrl))).toBe(true);
  });

  it("calls the replaced API URL from its own origin, which the API's CORS and the page's CSP admit", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // A request the Content-Security-Policy refuses shows here as a console error.
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    const apiCalls: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(siteUrl)) apiCalls.push(`${request.method()} ${request.url()}`);
    });

    await page.goto(siteUrl);
    await expect.poll(() => page.locator("#health").textContent()).toBe("local · 9.9.9 · database ok");
    const input = page.getByRole("textbox", { name: "Name" });
    await input.fill("Ada Lovelace");
    await input.press("Enter");
    await page.getByText(/^Added “Ada Lovelace” as #\d+\.$/).waitFor();
    await page.locator("#rows tr").first().waitFor();
    await context.close();

    expect(errors).toEqual([]);
    expect(apiCalls.length).toBeGreaterThanOrEqual(3);
    for (const call of apiCalls) expect(call).toMatch(new RegExp(`^(GET|POST|OPTIONS) ${apiUrl}/(data|health)`));
  });
});

import { defineConfig, loadEnv } from "vite";
import { checkBuildEnv } from "./src/config";

// `npm run dev -w @data-api/web` serves the page with hot reload and hands API calls to `npm start`'s server.
const devApi = process.env.DEV_API_URL ?? "http://localhost:3000";

export default defineConfig(({ mode }) => {
  // Fail the build, not the page, when the deploy hands over a malformed API URL or sign-in setting.
  checkBuildEnv(loadEnv(mode, process.cwd(), "VITE_"));
  return {
    // The local server serves only `/` and `/assets/*`, so everything the page needs lives under assets/.
    // Two pages, each its own entry: the main page, and the API reference (reference.html), whose Scalar bundle
    // only it loads.
    build: {
      outDir: "dist",
      assetsDir: "assets",
      emptyOutDir: true,
      target: "es2022",
      modulePreload: { polyfill: false },
      rollupOptions: { input: { main: "index.html", reference: "reference.html" } },
      // Scalar's bundle is one chunk of 3.5 MB by design; the main page's budget is checked by test/size.test.ts.
      chunkSizeWarningLimit: 4_000,
    },
    server: { proxy: { "/data": devApi, "/health": devApi, "/openapi.json": devApi } },
  };
});

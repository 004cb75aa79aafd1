import { defineConfig, loadEnv } from "vite";
import { checkBuildEnv } from "./src/config";

// `npm run dev -w @data-api/web` serves the page with hot reload and hands API calls to `npm start`'s server.
const devApi = process.env.DEV_API_URL ?? "http://localhost:3000";

export default defineConfig(({ mode }) => {
  // Fail the build, not the page, when the deploy hands over a malformed API URL or sign-in setting.
  checkBuildEnv(loadEnv(mode, process.cwd(), "VITE_"));
  return {
    // The local server serves only `/` and `/assets/*`, so everything the page needs lives under assets/.
    build: { outDir: "dist", assetsDir: "assets", emptyOutDir: true, target: "es2022", modulePreload: { polyfill: false } },
    server: { proxy: { "/data": devApi, "/health": devApi } },
  };
});

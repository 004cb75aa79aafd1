import "./style.css";
import { createApi, type TokenProvider } from "./api";
import { apiBaseUrl } from "./config";
import type { Session } from "./session";
import { mountAccount } from "./ui/account";
import { byId } from "./ui/dom";
import { mountForm } from "./ui/form";
import { mountHealth } from "./ui/health";
import { mountList } from "./ui/list";

// Only a build with an issuer signs in: in any other, `auth` is a constant undefined, and the build leaves the
// sign-in code (and oauth4webapi) out altogether (test/size.test.ts checks).
let session: Promise<Session | undefined> | undefined;
const auth: TokenProvider | undefined = import.meta.env.VITE_AUTH_ISSUER
  ? {
      token: async () => (await session)?.token(),
      renew: async () => (await session)?.renew(),
      rejected: () => void session?.then((current) => current?.rejected()),
    }
  : undefined;

const api = createApi(apiBaseUrl(import.meta.env.VITE_API_URL), { auth });
const health = mountHealth(byId("health"), api);
const list = mountList(api, health.refresh);
const form = mountForm(api, list.add);

if (auth) {
  const writes = {
    setWritable(writable: boolean) {
      form.setWritable(writable);
      list.setWritable(writable);
    },
    focus: form.focus,
  };
  session = mountAccount(import.meta.env, writes);
}

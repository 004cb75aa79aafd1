import { authSettings, type PageBuildEnv } from "../config";
import { createSession, describeSignInError, type Session, type SessionState } from "../session";
import { byId, say, type Tone } from "./dom";

/** What the account part opens and closes: the add form and the delete buttons. */
export interface Writes {
  setWritable(writable: boolean): void;
  /** Where a person who just signed in wants to be: the name field. */
  focus(): void;
}

const NOTICE: Record<Exclude<SessionState["kind"], "signed-in">, [string, Tone]> = {
  "signed-out": ["Sign in to add or delete records.", "info"],
  expired: ["Your session has expired. Sign in again to add or delete records.", "warn"],
};

/**
 * Sign-in on a stage whose writes need it (loaded only by such a build): "Sign in" while signed out, who is
 * signed in and "Sign out" otherwise; writes open only while signed in. Resolves the session the API's writes
 * take their token from, or undefined when the build's sign-in settings cannot work (reads still do).
 */
export async function mountAccount(env: PageBuildEnv, writes: Writes): Promise<Session | undefined> {
  const account = byId("account");
  const who = byId("who");
  const notice = byId("sign-in-notice");
  const text = byId("sign-in-text");
  const signIn = byId<HTMLButtonElement>("sign-in");
  const signOut = byId<HTMLButtonElement>("sign-out");

  function show(state: SessionState, message?: [string, Tone]) {
    const signedIn = state.kind === "signed-in";
    writes.setWritable(signedIn);
    account.hidden = !signedIn;
    notice.hidden = signedIn;
    if (signedIn) {
      const name = document.createElement("strong");
      name.textContent = state.user;
      who.replaceChildren("Signed in as ", name);
      return;
    }
    const [words, tone] = message ?? NOTICE[state.kind];
    say(text, words, tone);
  }

  writes.setWritable(false);
  notice.hidden = false;
  let settings;
  try {
    settings = authSettings(env);
  } catch (error) {
    signIn.hidden = true;
    say(text, `Sign-in is not set up correctly on this page (${(error as Error).message}): records can be read, not changed.`, "error");
    return undefined;
  }
  if (!settings) return undefined;
  const session = createSession(settings);
  session.subscribe((state) => {
    const hadFocus = document.activeElement;
    show(state);
    // A write just found the session over: its button is gone, so the way on is signing in again.
    if (state.kind === "expired" && (hadFocus === document.body || hadFocus?.closest("form, table, dialog"))) signIn.focus();
  });

  signIn.addEventListener("click", async () => {
    signIn.disabled = true;
    say(text, "Taking you to the sign-in page…");
    try {
      await session.signIn();
    } catch (error) {
      signIn.disabled = false;
      say(text, describeSignInError(error), "error");
      signIn.focus();
    }
  });

  signOut.addEventListener("click", async () => {
    signOut.disabled = true;
    await session.signOut();
    signOut.disabled = false;
    // Still here: the provider has no sign-out page to go through, so the page is signed out on its own.
    signIn.focus();
  });

  show(session.state());
  if (session.returning()) {
    signIn.disabled = true;
    say(text, "Signing you in…");
    try {
      await session.completeSignIn();
      writes.focus();
    } catch (error) {
      show(session.state(), [describeSignInError(error), "error"]);
    } finally {
      signIn.disabled = false;
    }
  }
  return session;
}

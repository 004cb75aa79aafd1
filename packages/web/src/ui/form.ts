import { ApiError, type Api, type Info } from "../api";
import { describeError } from "../messages";
import { checkName, lengthHint } from "../name";
import { byId, say } from "./dom";

/**
 * The "add a name" form: checks as the API does, shows the API's answer in place, hands new rows on. Hidden while
 * writes are closed (signed out on a stage whose writes need signing in).
 */
export function mountForm(api: Api, onAdded: (item: Info) => void) {
  const form = byId<HTMLFormElement>("add-form");
  const input = byId<HTMLInputElement>("name");
  const count = byId("name-count");
  const error = byId("name-error");
  const status = byId("form-status");
  const submit = byId<HTMLButtonElement>("add");
  let busy = false;

  function showProblem(message: string) {
    error.textContent = message;
    input.setAttribute("aria-invalid", String(message !== ""));
    // "Added …" is about the previous name: it must not stand beside a problem with this one.
    if (message !== "") say(status, "");
  }

  input.addEventListener("input", () => {
    count.textContent = lengthHint(input.value);
    const check = checkName(input.value);
    // Errors already on screen follow the typing; a name grown too long is said at once, not on submit.
    const tooLong = !check.ok && check.reason === "too_long";
    if (error.textContent || tooLong) showProblem(check.ok ? "" : check.message);
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const check = checkName(input.value);
    if (!check.ok) {
      showProblem(check.message);
      input.focus();
      return;
    }
    busy = true;
    submit.textContent = "Adding…";
    form.setAttribute("aria-busy", "true");
    say(status, "");
    try {
      const item = await api.add(check.name);
      input.value = "";
      count.textContent = lengthHint("");
      showProblem("");
      say(status, `Added “${item.name}” as #${item.id}.`, "ok");
      onAdded(item);
    } catch (failure) {
      // The API's verdict on the name (duplicate, invalid) belongs under the field; anything else is a status.
      if (failure instanceof ApiError && (failure.status === 409 || failure.status === 400)) {
        const issues = failure.issues.filter((issue) => issue.field === "name").map((issue) => issue.message);
        showProblem(issues.length > 0 ? issues.join(" ") : failure.message);
      } else {
        say(status, describeError(failure), "error");
      }
      input.focus();
    } finally {
      busy = false;
      submit.textContent = "Add";
      form.removeAttribute("aria-busy");
    }
  });

  return {
    setWritable(writable: boolean) {
      form.hidden = !writable;
    },
    focus: () => input.focus(),
  };
}

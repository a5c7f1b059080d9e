import { gql } from "../api.ts";
import { h } from "../dom.ts";
import { WHOAMI } from "../../../client/batch-operations.ts";
import { session } from "../session.ts";

/** Sign in with an API key; the key is checked with one query before it is kept. */
export function mountSignIn(main: HTMLElement, signedIn: () => void): () => void {
  const message = h("p", { id: "sign-in-message", class: "error", role: "alert" });
  const input = h("input", { id: "api-key", name: "key", type: "password", autocomplete: "off", required: true, placeholder: "qk_…", "aria-describedby": "sign-in-help sign-in-message" });
  const button = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "card narrow", "aria-labelledby": "sign-in-title" },
    h("h1", { id: "sign-in-title" }, "Sign in to Quire"),
    h("label", { for: "api-key" }, "API key"),
    input,
    h("p", { id: "sign-in-help", class: "hint" }, "The key is kept in this browser tab only. The server printed one at its first start; `npm run keys -- create <name>` makes another."),
    button,
    message,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    message.textContent = "";
    gql(WHOAMI, {}, key).then(
      () => {
        session.signIn(key);
        signedIn();
      },
      (error: Error) => {
        button.disabled = false;
        message.textContent = error.message;
        input.focus();
      },
    );
  });
  main.append(form);
  input.focus();
  return () => undefined;
}

import "./styles.css";
import { closeSocket } from "./api.ts";
import { replaceChildren } from "./dom.ts";
import { session } from "./session.ts";
import { mountBatch } from "./views/batch-view.ts";
import { mountDocument } from "./views/document-view.ts";
import { mountEmbeddings } from "./views/embeddings-view.ts";
import { mountForms } from "./views/forms-view.ts";
import { mountHistory } from "./views/history-view.ts";
import { mountResearch } from "./views/research-view.ts";
import { mountSignIn } from "./views/sign-in-view.ts";
import { mountUpload } from "./views/upload-view.ts";

/** A view draws into `main` and returns what stops it (subscriptions, object URLs). */
export type View = (main: HTMLElement, param: string | undefined) => () => void;

const routes: Record<string, View> = {
  upload: mountUpload,
  batches: mountHistory,
  batch: mountBatch,
  document: mountDocument,
  research: mountResearch,
  forms: mountForms,
  embeddings: mountEmbeddings,
};

const main = document.getElementById("main")!;
const nav = document.getElementById("nav")!;
let stopView: (() => void) | undefined;

function route(): void {
  stopView?.();
  stopView = undefined;
  replaceChildren(main);
  if (!session.key()) {
    nav.hidden = true;
    stopView = mountSignIn(main, () => {
      if (!location.hash || location.hash === "#/") location.hash = "#/upload";
      else route();
    });
    return;
  }
  nav.hidden = false;
  const [, name = "upload", param] = /^#\/([a-z]+)(?:\/([^/]+))?/.exec(location.hash) ?? [];
  const view = routes[name] ?? mountUpload;
  for (const link of nav.querySelectorAll("a")) {
    if (link.getAttribute("href") === `#/${name}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  stopView = view(main, param && decodeURIComponent(param));
  // Move focus to the new view's heading so keyboard and screen-reader users land on it.
  const heading = main.querySelector<HTMLElement>("h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

document.getElementById("sign-out")!.addEventListener("click", () => {
  session.signOut();
  void closeSocket();
  location.hash = "#/";
  route();
});
// The skip link must not change the hash: the hash is the route.
document.querySelector(".skip-link")!.addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener("hashchange", route);
route();

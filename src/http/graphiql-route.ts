import type { IncomingMessage, ServerResponse } from "node:http";
import type { GraphiQLOptions } from "graphql-yoga";

/**
 * GraphiQL served entirely from this process: the page Yoga renders at /graphql references
 * the editor bundle (from @graphql-yoga/render-graphiql) under /graphiql/, so nothing is
 * fetched from a CDN, and the 9 MB bundle is cached by the browser instead of being inlined
 * into every page. The page asks for the API key once (shared with the dashboard through
 * sessionStorage) and sends it on HTTP requests and in graphql-ws connectionParams alike.
 */

/** The example GraphiQL opens with when it has no tab of its own stored yet. */
export const GRAPHIQL_EXAMPLE = `# Welcome to Quire. Your key is sent with every request (HTTP and graphql-ws).
# Run this query with Ctrl-Enter; then try the subscription in the comment below with a batch id.
query RecentBatches {
  health {
    status
  }
  batches(first: 5) {
    edges {
      node {
        id
        label
        status
        progress
        documentCount
        completedCount
      }
    }
  }
}

# subscription Progress {
#   batchProgress(batchId: "<a batch id>") {
#     kind
#     stage
#     batch { status progress }
#     document { filename status stage }
#   }
# }
`;

type Bundle = typeof import("@graphql-yoga/render-graphiql/graphiql");
const ASSETS: Record<string, { type: string; body: (bundle: Bundle) => string }> = {
  "/graphiql/graphiql.js": { type: "text/javascript", body: (b) => b.js },
  "/graphiql/graphiql.css": { type: "text/css", body: (b) => b.css },
  "/graphiql/editor.worker.js": { type: "text/javascript", body: (b) => b.editorWorkerService },
  "/graphiql/json.worker.js": { type: "text/javascript", body: (b) => b.jsonWorker },
  "/graphiql/graphql.worker.js": { type: "text/javascript", body: (b) => b.graphqlWorker },
};

let bundle: Promise<Bundle> | undefined;
/** The 9 MB bundle is loaded on the first GraphiQL request, not when the app is imported. */
const loadBundle = (): Promise<Bundle> => (bundle ??= import("@graphql-yoga/render-graphiql/graphiql"));

/** True for GraphiQL's own static files (GET /graphiql/<name>). */
export function isGraphiqlAssetRequest(req: IncomingMessage): boolean {
  return (req.method === "GET" || req.method === "HEAD") && Object.hasOwn(ASSETS, (req.url ?? "").split("?")[0]!);
}

/** Serves one of GraphiQL's static files; they change only with the package version. */
export async function serveGraphiqlAsset(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const entry = ASSETS[(req.url ?? "").split("?")[0]!]!;
  const asset = { type: entry.type, body: entry.body(await loadBundle()) };
  res.writeHead(200, {
    "content-type": `${asset.type}; charset=utf-8`,
    "content-length": Buffer.byteLength(asset.body),
    "cache-control": "public, max-age=86400",
    "x-content-type-options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : asset.body);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** Yoga's `renderGraphiQL`: a small page with a key prompt that boots the local bundle. */
export function renderQuireGraphiQL(options: GraphiQLOptions): string {
  const boot = { ...options, defaultQuery: GRAPHIQL_EXAMPLE, subscriptionsProtocol: "WS" };
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>${options.title ?? "GraphiQL"}</title>
  <link rel="icon" href="/favicon.svg" />
  <link rel="stylesheet" href="/graphiql/graphiql.css" />
  <style>
    html, body, #root { height: 100%; margin: 0; }
    #key-prompt { font: 16px system-ui, sans-serif; max-width: 32rem; margin: 10vh auto; padding: 1.5rem; }
    #key-prompt input { width: 100%; font: inherit; padding: .5rem; box-sizing: border-box; margin: .5rem 0 1rem; }
    #key-prompt button { font: inherit; padding: .5rem 1rem; }
    #change-key { position: fixed; right: .75rem; bottom: .75rem; z-index: 100; font: 13px system-ui, sans-serif; }
  </style>
</head>
<body>
  <form id="key-prompt" hidden>
    <h1>Quire GraphiQL</h1>
    <p>Your API key is sent as <code>Authorization: Bearer &lt;key&gt;</code> on every request and
      in the graphql-ws <code>connectionParams</code>. It stays in this browser tab only.</p>
    <label for="key-input">API key</label>
    <input id="key-input" name="key" type="password" autocomplete="off" required placeholder="qk_..." />
    <button type="submit">Open GraphiQL</button>
  </form>
  <div id="root"></div>
  <script src="/graphiql/graphiql.js"></script>
  <script>
    (function () {
      var STORAGE_KEY = "quire.apiKey";
      var options = ${scriptJson(boot)};
      var workers = { editorWorkerService: "/graphiql/editor.worker.js", json: "/graphiql/json.worker.js", graphql: "/graphiql/graphql.worker.js" };
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: function (_id, label) { return workers[label]; } };
      function open(key) {
        var authorization = "Bearer " + key;
        options.additionalHeaders = { Authorization: authorization };
        options.connectionParams = { authorization: authorization };
        var change = document.createElement("button");
        change.id = "change-key";
        change.type = "button";
        change.textContent = "Change API key";
        change.onclick = function () { sessionStorage.removeItem(STORAGE_KEY); location.reload(); };
        document.body.appendChild(change);
        YogaGraphiQL.renderYogaGraphiQL(document.getElementById("root"), options);
      }
      var stored = sessionStorage.getItem(STORAGE_KEY);
      if (stored) return open(stored);
      var form = document.getElementById("key-prompt");
      form.hidden = false;
      document.getElementById("key-input").focus();
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var key = document.getElementById("key-input").value.trim();
        if (!key) return;
        sessionStorage.setItem(STORAGE_KEY, key);
        form.hidden = true;
        open(key);
      });
    })();
  </script>
</body>
</html>`;
}

import { buildApp, type App } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/logging/logger.ts";
import type { TestUserWithKey } from "../../helpers/auth.ts";

export const JOB = `id status provider model requestCounts { total completed failed } totalCostUsd error { code }`;
const RESULT = "index prompt success text error { code } tokens costUsd";

export interface JobView {
  id: string;
  status: string;
  provider: string;
  model: string;
  requestCounts: { total: number; completed: number; failed: number };
  totalCostUsd: number;
  error: { code: string } | null;
}
export interface ResultView {
  index: number;
  prompt: string;
  success: boolean | null;
  text: string | null;
  error: { code: string } | null;
  costUsd: number;
}
type GraphqlResult<T> = { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };

export const finished = (view: JobView) => ["COMPLETED", "FAILED", "CANCELLED", "EXPIRED"].includes(view.status);

/** Starts Quire in-process against the fake batch server with `env` (provider settings). */
export async function startPromptBatchApp(databaseUrl: string, env: Record<string, string>): Promise<App> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    PORT: "0",
    LOG_LEVEL: "silent",
    NODE_ENV: "test",
    QUIRE_USER_RPM: "100000",
    LLM_BATCH_POLL_MS: "5",
    LLM_TIMEOUT_MS: "2000",
    ...env,
  });
  const app = buildApp(config, { logger: createLogger("silent") });
  await app.start({ listen: false });
  return app;
}

/** GraphQL helpers over the current app (`app()` follows restarts). */
export function promptBatchClient(app: () => App, user: () => TestUserWithKey) {
  async function graphql<T>(query: string, variables: Record<string, unknown>, who = user()): Promise<GraphqlResult<T>> {
    const response = await app().yoga.fetch("http://quire.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...who.headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphqlResult<T>;
  }

  async function submit(prompts: { prompt: string }[], model: string): Promise<JobView> {
    const result = await graphql<{ submitPromptBatch: JobView }>(
      `mutation ($p: [PromptInput!]!, $m: String) { submitPromptBatch(prompts: $p, model: $m) { ${JOB} } }`,
      { p: prompts, m: model },
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.submitPromptBatch;
  }

  async function job(id: string): Promise<JobView> {
    const result = await graphql<{ promptBatchJob: JobView }>(`query ($id: ID!) { promptBatchJob(id: $id) { ${JOB} } }`, { id });
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.promptBatchJob;
  }

  /**
   * Waits on the job's progress events (published at every poll and status change) until
   * `done` holds for the job as the API reads it. Subscribing before the first read means no
   * change between the read and the wait can be missed.
   */
  async function until(id: string, done: (view: JobView) => boolean): Promise<JobView> {
    const events = app().services().events.subscribe("promptBatch", id);
    try {
      let view = await job(id);
      while (!done(view)) {
        const next = await events.next();
        if (next.done) throw new Error("progress subscription ended");
        view = await job(id);
      }
      return view;
    } finally {
      await events.return();
    }
  }

  async function results(id: string, total: number): Promise<ResultView[]> {
    const all: ResultView[] = [];
    for (let offset = 0; offset < total; offset += 150) {
      const page = await graphql<{ promptBatchJob: { results: ResultView[] } }>(
        `query ($id: ID!, $o: Int) { promptBatchJob(id: $id) { results(first: 150, offset: $o) { ${RESULT} } } }`,
        { id, o: offset },
      );
      if (!page.data) throw new Error(JSON.stringify(page.errors));
      all.push(...page.data.promptBatchJob.results);
    }
    return all;
  }

  return { graphql, submit, job, until, results };
}

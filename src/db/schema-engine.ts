import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { parse as parseConnectionString } from "pg-connection-string";
import type * as SchemaEngineWasm from "@prisma/schema-engine-wasm";

type SchemaEngineModule = typeof SchemaEngineWasm;
export type SchemaEngine = SchemaEngineWasm.SchemaEngine;

let loaded: Promise<SchemaEngineModule> | undefined;

/**
 * Loads Prisma's schema engine compiled to WebAssembly. The package's entry imports its
 * .wasm file as an ES module, which Node only allows behind --experimental-wasm-modules; we
 * instantiate the same module by hand so every Node process (server, scripts, tests) can
 * migrate without flags and without the native engine binary Prisma would download.
 */
function loadSchemaEngineModule(): Promise<SchemaEngineModule> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as unknown as SchemaEngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const bytes = await readFile(gluePath.replace(/\.js$/, ".wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return glue;
  })();
  return loaded;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * The schema engine describes databases by reading catalog columns of PostgreSQL's internal
 * one-byte `"char"` type (pg_class.relkind and friends). @prisma/adapter-pg rejects that type
 * ("Column type 'char' could not be deserialized"), although pg already returns its values as
 * strings. This client reports such columns as text. It is used only for the schema engine,
 * including the shadow databases the adapter creates from the same pool config.
 */
class CatalogTolerantClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // Dropping a shadow database WITH (FORCE) terminates connections the engine has not
    // released yet; that is expected here, and an unhandled 'error' would kill the process.
    this.on("error", () => {});
  }

  override query(...args: unknown[]): never {
    const relabel = (value: unknown): unknown => {
      for (const field of (value as pg.QueryResult | undefined)?.fields ?? []) {
        if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
      }
      return value;
    };
    // pg.Pool#query calls its clients with a trailing callback; direct callers use promises.
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, value: unknown) => (last as (e: unknown, v: unknown) => void)(error, relabel(value));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return (result instanceof Promise ? result.then(relabel) : result) as never;
  }
}

/**
 * adapter-pg drops a shadow database while its own pool still holds a connection to it,
 * so every `diff` from migrations fails with "being accessed by other users". This factory
 * closes the shadow pool before dropping the database.
 */
class ShadowSafePrismaPg extends PrismaPg {
  readonly #poolConfig: pg.PoolConfig;

  constructor(pool: pg.Pool, poolConfig: pg.PoolConfig) {
    super(pool);
    this.#poolConfig = poolConfig;
  }

  override async connectToShadowDb(): ReturnType<PrismaPg["connectToShadowDb"]> {
    const main = await this.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const shadowPool = new pg.Pool({ ...this.#poolConfig, database });
    const shadow = await new PrismaPg(shadowPool).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await shadowPool.end();
      // Terminated backends linger for a moment after pool.end(); wait for them rather
      // than force-killing connections that are still shutting down.
      for (let attempt = 0; ; attempt++) {
        try {
          await main.executeScript(`DROP DATABASE IF EXISTS "${database}"${attempt >= 50 ? " WITH (FORCE)" : ""}`);
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await sleep(100);
        }
      }
      await main.dispose();
    };
    return shadow;
  }
}

export interface SchemaFile {
  path: string;
  content: string;
}

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes its connections (a template database must have none). */
  close(): Promise<void>;
}

/**
 * Opens a schema engine on `databaseUrl` through the pg driver adapter. Shadow databases
 * (needed by `diff` from migrations) are created and dropped on the same server.
 */
export async function openSchemaEngine(
  databaseUrl: string,
  schemaFiles: SchemaFile[] = [],
  onLog: (line: string) => void = () => {},
): Promise<OpenSchemaEngine> {
  const wasm = await loadSchemaEngineModule();
  // The engine panics without a datamodel; applying migrations needs only the provider.
  const datamodels = schemaFiles.length > 0 ? schemaFiles : [{ path: "schema.prisma", content: 'datasource db {\n  provider = "postgresql"\n}\n' }];
  // Discrete fields, not a connectionString: the adapter opens shadow databases with
  // `{ ...config, database }`, and a connectionString would override that `database`,
  // silently pointing the shadow at the real database.
  const { database, host, port, user, password } = parseConnectionString(databaseUrl);
  const poolConfig: pg.PoolConfig = {
    database: database ?? undefined,
    host: host ?? undefined,
    port: port ? Number(port) : undefined,
    user,
    password,
    max: 2,
    Client: CatalogTolerantClient,
  };
  const pool = new pg.Pool(poolConfig);
  const factory = bindMigrationAwareSqlAdapterFactory(new ShadowSafePrismaPg(pool, poolConfig));
  const engine = await wasm.SchemaEngine.new(
    { datamodels: datamodels.map((file) => [file.path, file.content] as [string, string]) },
    onLog,
    factory,
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await pool.end();
    },
  };
}

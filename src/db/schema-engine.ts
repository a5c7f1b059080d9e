import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
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

export interface SchemaFile {
  path: string;
  content: string;
}

/**
 * Opens a schema engine on `databaseUrl` through the pg driver adapter. Shadow databases
 * (needed by `diff` from migrations) are created and dropped on the same server.
 */
export async function openSchemaEngine(
  databaseUrl: string,
  schemaFiles: SchemaFile[] = [],
  onLog: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  const wasm = await loadSchemaEngineModule();
  // The engine panics without a datamodel; applying migrations needs only the provider.
  const datamodels = schemaFiles.length > 0 ? schemaFiles : [{ path: "schema.prisma", content: 'datasource db {\n  provider = "postgresql"\n}\n' }];
  const factory = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: databaseUrl, Client: CatalogTolerantClient }));
  return wasm.SchemaEngine.new(
    { datamodels: datamodels.map((file) => [file.path, file.content] as [string, string]) },
    onLog,
    factory,
  );
}

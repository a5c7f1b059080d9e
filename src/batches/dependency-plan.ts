import { DomainError } from "../errors/domain-errors.ts";

export interface DependencyInput {
  filename: string;
  dependsOn: string[];
}

/**
 * Resolves "document X waits for Y" given by filename into ids, rejecting unknown or
 * ambiguous names and cycles (which would wait forever).
 */
export function planDependencies(documents: { id: string; filename: string }[], dependencies: DependencyInput[]): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const document of documents) byName.set(document.filename, [...(byName.get(document.filename) ?? []), document.id]);
  const problems: string[] = [];
  const resolve = (name: string): string | undefined => {
    const ids = byName.get(name);
    if (!ids) problems.push(`"${name}" is not a file of this batch.`);
    else if (ids.length > 1) problems.push(`"${name}" names ${ids.length} files; dependencies need unique filenames.`);
    return ids?.length === 1 ? ids[0] : undefined;
  };
  const edges = new Map<string, string[]>();
  for (const dependency of dependencies) {
    const from = resolve(dependency.filename);
    const to = dependency.dependsOn.map(resolve).filter((id): id is string => Boolean(id));
    if (from) edges.set(from, [...new Set([...(edges.get(from) ?? []), ...to])]);
  }
  if (problems.length) throw badDependencies(problems);

  const names = new Map(documents.map((document) => [document.id, document.filename]));
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting") {
      const cycle = [...path.slice(path.indexOf(id)), id].map((node) => names.get(node)).join(" -> ");
      throw badDependencies([`Dependencies form a cycle: ${cycle}.`]);
    }
    state.set(id, "visiting");
    for (const next of edges.get(id) ?? []) visit(next, [...path, id]);
    state.set(id, "done");
  };
  for (const id of edges.keys()) visit(id, []);
  return edges;
}

function badDependencies(problems: string[]): DomainError {
  return new DomainError("INVALID_DEPENDENCIES", `Invalid dependencies: ${problems.join(" ")}`, { problems });
}

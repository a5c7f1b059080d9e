import { createHash } from "node:crypto";
import { distance } from "fastest-levenshtein";
import { ENTITY_KINDS, type EntityKind } from "./entity-kinds.ts";

/** A stored mention as clustering reads it. */
export interface MentionRow {
  documentId: string;
  page: number;
  text: string;
  acronym: string | null;
  kind: string;
  count: number;
}

/** Two candidate names whose sameness the heuristics could not settle. */
export interface AmbiguousPair {
  a: string;
  b: string;
  /** Why it is ambiguous, for the model: "acronym" (one acronym, several expansions) or "similar". */
  reason: "acronym" | "similar";
}

/** A decision on an ambiguous pair, from the model (validated) or the local fallback. */
export interface PairDecision {
  a: string;
  b: string;
  same: boolean;
  confidence: number;
}

export interface EntityClusterView {
  id: string;
  name: string;
  kind: EntityKind;
  aliases: string[];
  confidence: number;
  documentIds: string[];
  mentionCount: number;
  mentions: { documentId: string; page: number; text: string }[];
}

// Surface strings closer than this are one name (plural, hyphen, a typo); between the two, ambiguous.
const SAME_SIMILARITY = 0.9;
const AMBIGUOUS_SIMILARITY = 0.8;

/** Lower-case letters and digits; acronym plurals ("NERs") and phrase plurals lose their "s". */
export function entityKey(text: string): string {
  let base = text;
  if (/^[\p{Lu}\p{N}]{2,}s$/u.test(base)) base = base.slice(0, -1);
  else if (/\s\p{L}+[^su]s$/u.test(base)) base = base.slice(0, -1);
  return base
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}

class UnionFind {
  readonly #parent = new Map<string, string>();
  readonly reasons = new Map<string, number>();

  find(node: string): string {
    let root = node;
    while (this.#parent.has(root) && this.#parent.get(root) !== root) root = this.#parent.get(root)!;
    this.#parent.set(node, root);
    return root;
  }

  union(a: string, b: string, confidence: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    this.#parent.set(drop, keep);
    this.reasons.set(keep, Math.min(confidence, this.reasons.get(keep) ?? 1, this.reasons.get(drop) ?? 1));
  }
}

/** Best display form: the most used, preferring mixed case over ALL CAPS ("ReVerb" over "REVERB"). */
function displayForm(forms: Map<string, number>): string {
  return [...forms].sort((x, y) => {
    const capsX = x[0].length > 4 && x[0] === x[0].toUpperCase() ? 1 : 0;
    const capsY = y[0].length > 4 && y[0] === y[0].toUpperCase() ? 1 : 0;
    return capsX - capsY || y[1] - x[1] || x[0].localeCompare(y[0]);
  })[0]![0];
}

/**
 * Candidate pairs for the model: acronyms defined with different expansions in different
 * documents, and names close in spelling but not close enough to merge.
 */
export function ambiguousPairs(mentions: readonly MentionRow[]): AmbiguousPair[] {
  const pairs: AmbiguousPair[] = [];
  const written = new Map(mentions.flatMap((mention) => (mention.acronym ? [[entityKey(mention.acronym), mention.acronym] as const] : [])));
  for (const [key, expansions] of acronymExpansions(mentions)) {
    const acronym = written.get(key) ?? key;
    const forms = [...expansions.keys()];
    if (forms.length < 2) continue;
    for (let i = 1; i < forms.length; i++) pairs.push({ a: `${forms[0]} (${acronym})`, b: `${forms[i]} (${acronym})`, reason: "acronym" });
  }
  const keys = [...new Map(mentions.map((mention) => [entityKey(mention.text), mention.text])).entries()].filter(([key]) => key.length >= 6);
  for (const [i, j] of similarKeyPairs(keys.map(([key]) => key))) {
    const similarity = keySimilarity(keys[i]![0], keys[j]![0]);
    if (similarity >= AMBIGUOUS_SIMILARITY && similarity < SAME_SIMILARITY) pairs.push({ a: keys[i]![1], b: keys[j]![1], reason: "similar" });
  }
  return pairs.slice(0, 200);
}

function keySimilarity(a: string, b: string): number {
  return 1 - distance(a, b) / Math.max(a.length, b.length);
}

/** Index pairs of keys worth an edit distance: same first two letters and lengths within 20 %. */
function similarKeyPairs(keys: readonly string[]): [number, number][] {
  const blocks = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const block = key.slice(0, 2);
    blocks.set(block, [...(blocks.get(block) ?? []), index]);
  });
  const pairs: [number, number][] = [];
  for (const members of blocks.values()) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const a = keys[members[x]!]!;
        const b = keys[members[y]!]!;
        if (Math.abs(a.length - b.length) <= Math.max(a.length, b.length) * 0.2) pairs.push([members[x]!, members[y]!]);
      }
    }
  }
  return pairs;
}

/** acronym key -> expansion surface form -> count. */
function acronymExpansions(mentions: readonly MentionRow[]): Map<string, Map<string, number>> {
  const expansions = new Map<string, Map<string, number>>();
  for (const mention of mentions) {
    if (!mention.acronym) continue;
    const acronym = entityKey(mention.acronym);
    const forms = expansions.get(acronym) ?? new Map<string, number>();
    // Expansions differing only in case or plural are one expansion.
    const existing = [...forms.keys()].find((form) => entityKey(form) === entityKey(mention.text));
    forms.set(existing ?? mention.text, (forms.get(existing ?? mention.text) ?? 0) + mention.count);
    expansions.set(acronym, forms);
  }
  return expansions;
}

/**
 * Groups a batch's mentions into entities. Same key (case, punctuation, plural) is one name;
 * an acronym joins its expansion ("GFS" and "Google File System") when the batch agrees on
 * it, per document otherwise (one paper's "CI" may be another's "confidence interval"); names
 * within 10 % edit distance join. Different names stay apart however often they co-occur
 * ("Paxos" and "Raft"). `decisions` settle ambiguous pairs (the model's, or none).
 */
export function clusterEntities(batchId: string, mentions: readonly MentionRow[], decisions: readonly PairDecision[] = []): EntityClusterView[] {
  const union = new UnionFind();
  const expansions = acronymExpansions(mentions);
  const nodeOf = (mention: MentionRow): string => {
    const key = entityKey(mention.text);
    const forms = expansions.get(key);
    // An acronym with several expansions in the batch is read per document.
    return forms && forms.size > 1 ? `${key}@${mention.documentId}` : key;
  };
  const definedIn = new Map<string, string>();
  for (const mention of mentions) {
    if (!mention.acronym) continue;
    const acronym = entityKey(mention.acronym);
    const forms = expansions.get(acronym)!;
    if (forms.size > 1) {
      union.union(`${acronym}@${mention.documentId}`, entityKey(mention.text), 0.9);
      definedIn.set(`${acronym}@${mention.documentId}`, entityKey(mention.text));
    } else {
      union.union(acronym, entityKey(mention.text), 0.95);
    }
  }
  // Documents that use an ambiguous acronym without defining it: the most used expansion.
  for (const mention of mentions) {
    const node = nodeOf(mention);
    if (!node.includes("@") || definedIn.has(node)) continue;
    const forms = expansions.get(entityKey(mention.text))!;
    const [top, second] = [...forms].sort((a, b) => b[1] - a[1]);
    if (top && (!second || top[1] >= 2 * second[1])) union.union(node, entityKey(top[0]), 0.7);
  }
  const keys = [...new Set(mentions.map((mention) => entityKey(mention.text)))].filter((key) => key.length >= 6);
  for (const [i, j] of similarKeyPairs(keys)) {
    if (keySimilarity(keys[i]!, keys[j]!) >= SAME_SIMILARITY) union.union(keys[i]!, keys[j]!, 0.85);
  }
  for (const decision of decisions) {
    if (decision.same) union.union(entityKey(decision.a.replace(/\s*\([^)]*\)$/, "")), entityKey(decision.b.replace(/\s*\([^)]*\)$/, "")), decision.confidence);
  }

  const groups = new Map<string, MentionRow[]>();
  for (const mention of mentions) {
    const root = union.find(nodeOf(mention));
    groups.set(root, [...(groups.get(root) ?? []), mention]);
  }
  const clusters: EntityClusterView[] = [];
  for (const [root, members] of groups) {
    const forms = new Map<string, number>();
    const longForms = new Map<string, number>();
    const kinds = new Map<string, number>();
    let count = 0;
    for (const member of members) {
      forms.set(member.text, (forms.get(member.text) ?? 0) + member.count);
      if (member.acronym) longForms.set(member.text, (longForms.get(member.text) ?? 0) + member.count);
      kinds.set(member.kind, (kinds.get(member.kind) ?? 0) + member.count);
      count += member.count;
    }
    const documentIds = [...new Set(members.map((member) => member.documentId))].sort();
    const name = longForms.size > 0 ? displayForm(longForms) : displayForm(forms);
    const single = !/\s/.test(name) && !/\p{Lu}.*\p{Lu}/u.test(name.slice(1)) && longForms.size === 0;
    // Entities, not every capitalised word: coined names and phrases twice, plain words thrice or in two papers.
    if (documentIds.length < 2 && count < (single ? 3 : 2) && longForms.size === 0) continue;
    const aliases = new Map<string, string>();
    for (const form of forms.keys()) {
      const key = form.toLowerCase();
      if (form !== name && key !== name.toLowerCase() && !aliases.has(key)) aliases.set(key, form);
    }
    for (const member of members) if (member.acronym && !aliases.has(member.acronym.toLowerCase())) aliases.set(member.acronym.toLowerCase(), member.acronym);
    const kind = [...kinds].sort((a, b) => b[1] - a[1])[0]![0];
    clusters.push({
      id: createHash("sha256").update(`${batchId}\u0000${root.replace(/@.*$/, "")}\u0000${name}`).digest("base64url").slice(0, 16),
      name,
      kind: (ENTITY_KINDS as readonly string[]).includes(kind) ? (kind as EntityKind) : "CONCEPT",
      aliases: [...aliases.values()].filter((alias) => alias !== name).sort(),
      confidence: union.reasons.get(root) ?? 1,
      documentIds,
      mentionCount: count,
      mentions: members
        .map((member) => ({ documentId: member.documentId, page: member.page, text: member.text }))
        .sort((a, b) => a.documentId.localeCompare(b.documentId) || a.page - b.page || a.text.localeCompare(b.text)),
    });
  }
  return clusters.sort((a, b) => b.documentIds.length - a.documentIds.length || b.mentionCount - a.mentionCount || a.name.localeCompare(b.name));
}

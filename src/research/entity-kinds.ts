/** The kinds of entity clusters (GraphQL EntityKind). */
export const ENTITY_KINDS = ["SYSTEM", "ALGORITHM", "DATASET", "ORGANISATION", "PERSON", "VENUE", "CONCEPT"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

const ORGANISATION = /\b(?:university|institute|institut|laborator(?:y|ies)|lab|corporation|corp|inc|ltd|foundation|agency|commission|council|committee|department|school|college|hospital|google|microsoft|yahoo|ibm|intel|mozilla|adobe|darpa|iarpa|nsf|who)\b/i;
const VENUE = /\b(?:conference|proceedings|journal|workshop|symposium|transactions|sigir|sigmod|vldb|kdd|acl|emnlp|naacl|neurips|nips|icml|iclr|ijcai|aaai|chi|cikm|www|trec|semeval|arxiv)\b/i;
const DATASET = /\b(?:dataset|data set|corpus|corpora|benchmark|collection|treebank|graph)\b/i;
const ALGORITHM = /\b(?:algorithm|protocol|method|model|ranking|rank|score|scheme|measure|metric|function|consensus|proof|hash|idf|tf)\b/i;
const SYSTEM = /\b(?:system|toolkit|library|framework|engine|tool|interface|compiler|browser|vm|database|network|service|platform|parser|extractor)\b/i;

/**
 * A kind from the words of the name and of the sentence around it ("the X dataset", "the X
 * algorithm"); names that say nothing lean to SYSTEM when coined (CamelCase, acronyms).
 */
export function classifyEntity(name: string, context: string, coined: boolean): EntityKind {
  if (ORGANISATION.test(name)) return "ORGANISATION";
  if (VENUE.test(name)) return "VENUE";
  if (DATASET.test(name)) return "DATASET";
  if (ALGORITHM.test(name)) return "ALGORITHM";
  if (SYSTEM.test(name)) return "SYSTEM";
  if (/\bet al\b/.test(context)) return "PERSON";
  if (DATASET.test(context)) return "DATASET";
  if (ALGORITHM.test(context)) return "ALGORITHM";
  if (SYSTEM.test(context)) return "SYSTEM";
  return coined ? "SYSTEM" : "CONCEPT";
}

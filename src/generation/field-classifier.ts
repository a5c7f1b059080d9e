import { resolveCountry } from "./country-names.ts";
import type { FormFieldInput } from "./form-field-types.ts";
import { findOption, normaliseForMatch } from "./option-matcher.ts";
import { compactKey } from "./profile-extractor.ts";
import type { ProfileFacts } from "./profile-extractor.ts";
import { finaliseValue } from "./field-postprocess.ts";

/**
 * Decides per field whether the profile answers it (EXTRACTED, no model call) or a model must
 * (GENERATED). Extraction only happens when it is certain: a wrong autofilled email is worse
 * than a model call, so anything doubtful goes to the model.
 */
export type FieldPlan =
  | { path: "EXTRACTED"; value: string; notes: string[] }
  | { path: "GENERATED" };

type StringFact = Exclude<keyof ProfileFacts, "skills" | "byKey" | "authorizedToWork" | "requiresSponsorship" | "willingToRelocate">;
type BooleanFact = "authorizedToWork" | "requiresSponsorship" | "willingToRelocate";

interface Rule {
  fact: StringFact | BooleanFact | "skills";
  pattern: RegExp;
  /** Contact-style facts must not fill a field about someone else (a reference's email). */
  personal?: boolean;
  /** The pattern matches question phrasing itself ("Are you authorized to work...?"). */
  question?: boolean;
}

// Order matters: the first matching rule wins, so specific phrases come before generic words.
const RULES: Rule[] = [
  { fact: "authorizedToWork", pattern: /\b(authori[sz]ed|eligible|legally (able|permitted|entitled)|right) to work\b/, question: true },
  { fact: "requiresSponsorship", pattern: /\bsponsor(ship)?\b/, question: true },
  { fact: "willingToRelocate", pattern: /\brelocat/, question: true },
  { fact: "linkedin", pattern: /\blinked ?in\b/ },
  { fact: "github", pattern: /\bgit ?hub\b/ },
  { fact: "twitter", pattern: /\btwitter\b/ },
  { fact: "portfolio", pattern: /\bportfolio\b/ },
  { fact: "website", pattern: /^(personal )?(website|web site|homepage|home page|blog)( url)?$/ },
  { fact: "email", pattern: /^(confirm )?(primary |personal |contact )?e ?mail( address)?$|\be ?mail address\b/, personal: true },
  { fact: "phone", pattern: /^(mobile |cell |home |primary |contact )?(phone|telephone|mobile|cell)( number| no)?$|\bphone number\b/, personal: true },
  { fact: "firstName", pattern: /\b(first|given) ?name\b|\bforename\b/, personal: true },
  { fact: "lastName", pattern: /\b(last|family) ?name\b|\bsurname\b/, personal: true },
  { fact: "middleName", pattern: /\bmiddle name\b/, personal: true },
  { fact: "fullName", pattern: /^(applicant |candidate )?(full )?(legal )?name( as .*| first and last)?$/, personal: true },
  { fact: "nationality", pattern: /\b(nationality|citizenship)\b/ },
  { fact: "street", pattern: /\b(street( address)?|address line 1|address 1)\b/, personal: true },
  { fact: "postalCode", pattern: /\b(zip|postal|post code|postcode)\b/, personal: true },
  { fact: "city", pattern: /^(current )?(city|town)\b/, personal: true },
  { fact: "state", pattern: /^(state|province|region|state province|state or province|state region)$/, personal: true },
  { fact: "country", pattern: /^(current )?country( of residence)?$/, personal: true },
  { fact: "address", pattern: /^(home |mailing |current |residential |full |postal )?address$/, personal: true },
  { fact: "location", pattern: /^(current )?location$|^where are you (currently )?(based|located)$/, personal: true, question: true },
  { fact: "currentCompany", pattern: /^(current|present|most recent) (company|employer)( name)?$/ },
  { fact: "currentTitle", pattern: /^(current|present|most recent) (job )?(title|position|role)$/ },
  { fact: "school", pattern: /^(school|university|college|institution)( name)?$/ },
  { fact: "degree", pattern: /^(highest )?(degree|level of education)( obtained)?$/ },
  { fact: "fieldOfStudy", pattern: /^(major|field of study|discipline)$/ },
  { fact: "graduationDate", pattern: /^graduation (date|year)$/ },
  { fact: "availableFrom", pattern: /\b(start date|available (from|to start)|availability|earliest (possible )?start( date)?|when can you start|date available)\b/, question: true },
  { fact: "birthDate", pattern: /\b(date of birth|birth ?date|dob|birthday)\b/, personal: true },
  { fact: "yearsOfExperience", pattern: /^(total )?years of (professional )?experience$|^how many years of (professional )?experience do you have$/, question: true },
  { fact: "salaryExpectation", pattern: /^(expected|desired) (salary|compensation)$|^salary expectations?$/ },
  { fact: "noticePeriod", pattern: /^notice period$/ },
  { fact: "pronouns", pattern: /^(your )?pronouns$/ },
  { fact: "skills", pattern: /^((key|technical|core|top) )?skills$/ },
];

// Words that put a contact field about someone other than the applicant.
const THIRD_PARTY = /\b(reference|referee|referr(er|al)|emergency|manager|supervisor|recruiter|spouse|partner|parent|guardian|company|employer|school|university|hr)\b/;
// Open questions and long prompts want an answer written for them, not a profile value.
const OPEN_QUESTION = /^(why|how|describe|tell|explain|what|share|write|please describe|in what|give|summari[sz]e)\b/;
const ASKS_FOR_PROSE = /^(why|describe|explain|tell|please describe|please explain)\b/;
const BOOLEAN_FACTS: ReadonlySet<string> = new Set(["authorizedToWork", "requiresSponsorship", "willingToRelocate"]);

/** Label words, lowercase, for matching rules; falls back to the id ("linkedin_url") if the label gives none. */
function labelText(field: FormFieldInput): string {
  const label = normaliseForMatch(field.label.replace(/\*/g, "")).replace(
    /^(please )?(enter |provide |type |confirm your )?(what is |what s |whats )?(your )?/,
    "",
  );
  return label === "" ? normaliseForMatch(field.id.replace(/[_-]/g, " ")) : label;
}

/** Chooses EXTRACTED (with the value) or GENERATED for one field. */
export function classifyField(field: FormFieldInput, facts: ProfileFacts): FieldPlan {
  const label = labelText(field);
  const openEnded = OPEN_QUESTION.test(label) || label.split(" ").length > 12;
  const rule = RULES.find((candidate) => candidate.pattern.test(label));
  const ruleApplies = rule && (rule.question ? !ASKS_FOR_PROSE.test(label) : !openEnded);
  if (rule && ruleApplies) {
    if (BOOLEAN_FACTS.has(rule.fact)) return planBoolean(field, facts[rule.fact as BooleanFact]);
    if (rule.personal && THIRD_PARTY.test(label)) return { path: "GENERATED" };
    if (rule.fact === "skills") return facts.skills.length > 0 ? planText(field, facts.skills.join(", ")) : { path: "GENERATED" };
    if (rule.fact === "country") return planCountry(field, facts.country);
    return planText(field, facts[rule.fact as StringFact]);
  }
  if (openEnded || rule) return { path: "GENERATED" };
  // The type alone identifies contact fields with unusual labels ("Contact", "Reach me at").
  if (field.type === "EMAIL" && !THIRD_PARTY.test(label)) return planText(field, facts.email);
  if (field.type === "PHONE" && !THIRD_PARTY.test(label)) return planText(field, facts.phone);
  // A label naming a profile key directly ("Notice period" -> noticePeriod).
  return planText(field, facts.byKey.get(compactKey(label)));
}

function planText(field: FormFieldInput, fact: string | undefined): FieldPlan {
  if (fact === undefined || fact === "") return { path: "GENERATED" };
  if (field.type === "SELECT" || field.type === "RADIO") {
    const match = findOption(fact, field.options ?? []);
    return match ? { path: "EXTRACTED", value: match.option, notes: [] } : { path: "GENERATED" };
  }
  if (field.type === "CHECKBOX") return { path: "GENERATED" };
  const finalised = finaliseValue(field, fact);
  return finalised.ok ? { path: "EXTRACTED", value: finalised.value, notes: finalised.notes } : { path: "GENERATED" };
}

function planCountry(field: FormFieldInput, country: string | undefined): FieldPlan {
  if (country === undefined) return { path: "GENERATED" };
  const resolved = resolveCountry(country, true);
  if ((field.type === "SELECT" || field.type === "RADIO") && resolved) {
    // Options may say "USA" where the profile says "United States": compare resolved codes.
    const index = (field.options ?? []).findIndex((option) => resolveCountry(option, true)?.code === resolved.code);
    if (index >= 0) return { path: "EXTRACTED", value: field.options![index]!, notes: [] };
  }
  return planText(field, resolved && /^[A-Za-z]{2}$/.test(country.trim()) ? resolved.name : country);
}

// Yes/no questions are answered from the profile only when it states the answer explicitly.
function planBoolean(field: FormFieldInput, fact: boolean | undefined): FieldPlan {
  if (fact === undefined) return { path: "GENERATED" };
  if (field.type === "CHECKBOX" && !field.options) return { path: "EXTRACTED", value: String(fact), notes: [] };
  if (field.type === "TEXT") return { path: "EXTRACTED", value: fact ? "Yes" : "No", notes: [] };
  if (field.type === "SELECT" || field.type === "RADIO") {
    const wanted = fact ? /^(yes|true)\b/ : /^(no|false)\b/;
    const matches = (field.options ?? []).filter((option) => wanted.test(normaliseForMatch(option)));
    if (matches.length === 1) return { path: "EXTRACTED", value: matches[0]!, notes: [] };
  }
  return { path: "GENERATED" };
}

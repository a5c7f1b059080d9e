import { resolveCountry } from "./country-names.ts";
import { normaliseEmail, normaliseUrl, parseBoolean } from "./value-normalisers.ts";

/**
 * Facts read from an applicant profile of arbitrary shape: flat ({ firstName, email }),
 * nested ({ personal: { name: { first } }, contact: { ... } }), JSON Resume ({ basics:
 * { location, profiles }, work, education, skills }) and common synonyms (mobile/cell,
 * zip/postcode, employer/company, ...). Pure and fast: no I/O, no model.
 */
export interface ProfileFacts {
  fullName?: string;
  firstName?: string;
  middleName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  linkedin?: string;
  github?: string;
  twitter?: string;
  website?: string;
  portfolio?: string;
  street?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  /** The country as written in the profile; resolve with resolveCountry for matching. */
  country?: string;
  /** One-line address: the profile's own, or assembled from its parts. */
  address?: string;
  /** "City, Country" style location. */
  location?: string;
  currentCompany?: string;
  currentTitle?: string;
  school?: string;
  degree?: string;
  fieldOfStudy?: string;
  graduationDate?: string;
  availableFrom?: string;
  birthDate?: string;
  yearsOfExperience?: string;
  salaryExpectation?: string;
  noticePeriod?: string;
  nationality?: string;
  pronouns?: string;
  skills: string[];
  authorizedToWork?: boolean;
  requiresSponsorship?: boolean;
  willingToRelocate?: boolean;
  /** Personal scalar values by compact key ("noticeperiod"), for labels that name a profile key. */
  byKey: ReadonlyMap<string, string>;
}

interface Node {
  key: string;
  parents: string[];
  value: unknown;
  inRecordList: boolean;
}

// Values under these keys describe other people or organisations, never the applicant.
const NON_PERSONAL = new Set(
  ("work workhistory experience workexperience employment employmenthistory jobs positions career education schools " +
    "references referees projects company employer certifications awards volunteer publications skills languages " +
    "interests emergencycontact emergency meta settings").split(" "),
);
// A "name" only counts as the applicant's name inside these containers (not country.name).
const PERSON_CONTAINERS = new Set(
  "basics personal personalinfo personaldetails contact contactinfo profile applicant candidate user person me about info details identity name".split(" "),
);
const LINK_CONTAINERS = new Set(["profiles", "links", "social", "socials", "sociallinks", "urls", "websites"]);
const WORK_KEYS = ["work", "workhistory", "experience", "workexperience", "employment", "employmenthistory", "jobs", "positions", "career"];
const EDUCATION_KEYS = ["education", "schools", "academics", "educationhistory"];
const MAX_NODES = 5000;

// Synonyms per fact, as compact keys, most specific first.
const KEYS = {
  firstName: "firstname first givenname forename",
  lastName: "lastname last surname familyname",
  fullName: "fullname name legalname candidatename applicantname displayname",
  middleName: "middlename middle",
  email: "email emailaddress mail primaryemail personalemail emails",
  phone: "phone phonenumber mobile mobilephone mobilenumber cell cellphone telephone tel contactnumber phones",
  linkedin: "linkedin linkedinurl linkedinprofile",
  github: "github githuburl githubprofile",
  twitter: "twitter twitterurl",
  portfolio: "portfolio portfoliourl portfoliowebsite",
  website: "website personalwebsite homepage personalsite site url web blog",
  address: "address fulladdress homeaddress mailingaddress",
  street: "street streetaddress address1 addressline1 line1 street1",
  location: "location currentlocation basedin residence",
  country: "country countryname countryofresidence nation",
  city: "city town locality cityname",
  state: "state region province stateprovince statecode",
  postalCode: "postalcode zip zipcode postcode postal",
  currentTitle: "currenttitle currentposition currentrole jobtitle",
  headline: "title headline label position",
  currentCompany: "currentcompany currentemployer company employer organization organisation",
  jobTitle: "title position role jobtitle",
  jobCompany: "company companyname employer organization organisation name",
  school: "school institution university college schoolname name",
  degree: "degree studytype qualification degreetype",
  fieldOfStudy: "fieldofstudy field major area subject discipline",
  graduationDate: "graduationdate enddate graduated end graduationyear year",
  availableFrom: "availablefrom availability availabledate startdate earlieststartdate availabletostart available",
  birthDate: "birthdate dateofbirth dob birthday",
  yearsOfExperience: "yearsofexperience experienceyears totalexperience yearsexperience yoe",
  salaryExpectation: "salaryexpectation expectedsalary desiredsalary salaryexpectations salary",
  nationality: "nationality citizenship",
  skills: "skills technicalskills keyskills skillset",
  authorizedToWork:
    "authorizedtowork authorisedtowork workauthorization workauthorisation workauthorized legallyauthorized righttowork eligibletowork workpermit",
  requiresSponsorship: "requiressponsorship needssponsorship sponsorshiprequired visasponsorship requirevisasponsorship sponsorship needsvisa",
  willingToRelocate: "willingtorelocate opentorelocation relocation relocate canrelocate",
} as const;
const synonyms = (name: keyof typeof KEYS): string[] => KEYS[name].split(" ");

/** Lowercase alphanumerics only: "first_name", "First Name" and "firstName" all become "firstname". */
export function compactKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Breadth-first so the shallowest match for a key wins (basics.email over work[0].email).
function collectNodes(profile: Record<string, unknown>): Node[] {
  const nodes: Node[] = [];
  const queue: Node[] = [{ key: "", parents: [], value: profile, inRecordList: false }];
  for (let head = 0; head < queue.length && nodes.length < MAX_NODES; head++) {
    const node = queue[head]!;
    if (node.key !== "") nodes.push(node);
    const path = node.key === "" ? node.parents : [...node.parents, node.key];
    if (Array.isArray(node.value)) {
      const records = node.inRecordList || node.value.some(isRecord);
      // Array items keep the array's key, so phones: ["..."] is found as "phones".
      for (const item of node.value) queue.push({ key: node.key, parents: node.parents, value: item, inRecordList: records });
    } else if (isRecord(node.value) && path.length < 8) {
      for (const [key, value] of Object.entries(node.value)) {
        queue.push({ key: compactKey(key), parents: path, value, inRecordList: node.inRecordList });
      }
    }
  }
  return nodes;
}

function isPersonal(node: Node): boolean {
  return !node.inRecordList && !node.parents.some((parent) => NON_PERSONAL.has(parent));
}

function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() === "" ? undefined : value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(asText).find((text) => text !== undefined);
  if (isRecord(value)) return asText(value.name ?? value.value ?? value.text ?? value.url);
  return undefined;
}

function findIn(nodes: Node[], keys: string[], accept: (node: Node) => boolean = isPersonal): Node | undefined {
  for (const key of keys) {
    const node = nodes.find((candidate) => candidate.key === key && accept(candidate));
    if (node) return node;
  }
  return undefined;
}

function entryText(entry: Record<string, unknown>, keys: string[]): string | undefined {
  for (const [key, value] of Object.entries(entry)) {
    if (keys.includes(compactKey(key))) {
      const text = asText(value);
      if (text !== undefined) return text;
    }
  }
  return undefined;
}

function recordList(nodes: Node[], keys: string[]): Record<string, unknown>[] {
  const list = nodes.find((node) => keys.includes(node.key) && Array.isArray(node.value));
  return list ? (list.value as unknown[]).filter(isRecord) : [];
}

function isCurrentEntry(entry: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(entry)) {
    if (["current", "iscurrent", "currentlyworkhere"].includes(compactKey(key))) return value === true || value === "true";
  }
  const end = entryText(entry, ["enddate", "end", "to", "until"]);
  return end === undefined || /^(present|current|now|ongoing)$/i.test(end);
}

function linkFromValue(value: string | undefined, site: "linkedin" | "github" | "twitter"): string | undefined {
  if (!value) return undefined;
  const url = normaliseUrl(value);
  if (url) return url;
  const handle = value.replace(/^@/, "");
  if (!/^[\w.-]+$/.test(handle)) return undefined;
  if (site === "linkedin") return `https://www.linkedin.com/in/${handle}`;
  return site === "github" ? `https://github.com/${handle}` : `https://x.com/${handle}`;
}

function splitSkills(value: unknown): string[] {
  if (typeof value === "string") return value.split(/[,;\n]/).map((skill) => skill.trim()).filter(Boolean);
  if (Array.isArray(value)) return value.flatMap((item) => (isRecord(item) ? splitSkills(item.name) : splitSkills(item)));
  return [];
}

/** Reads the facts a form commonly asks for out of `profile`. */
export function extractProfileFacts(profile: Record<string, unknown>): ProfileFacts {
  const nodes = collectNodes(profile);
  const text = (keys: string[], accept?: (node: Node) => boolean) => asText(findIn(nodes, keys, accept)?.value);
  const bool = (keys: string[]) => {
    const value = findIn(nodes, keys)?.value;
    return typeof value === "boolean" || typeof value === "string" ? (parseBoolean(value) ?? undefined) : undefined;
  };
  const inPersonContainer = (node: Node) => isPersonal(node) && node.parents.every((parent) => PERSON_CONTAINERS.has(parent));
  const personalStrings = nodes.filter((node) => isPersonal(node) && typeof node.value === "string");
  // Social links may sit in a list of records (JSON Resume's basics.profiles), but never in work history.
  const linkNodes = nodes.filter((node) => isPersonal(node) || node.parents.some((parent) => LINK_CONTAINERS.has(parent)));
  const urls = linkNodes.flatMap((node) => (typeof node.value === "string" ? [normaliseUrl(node.value)] : [])).filter((url) => url !== null);
  const urlOn = (host: RegExp, path = /^/) => urls.find((url) => host.test(new URL(url).hostname) && path.test(new URL(url).pathname));

  let firstName = text(synonyms("firstName"), inPersonContainer);
  let lastName = text(synonyms("lastName"), inPersonContainer);
  let fullName = text(synonyms("fullName"), inPersonContainer);
  if (!fullName && firstName && lastName) fullName = `${firstName} ${lastName}`;
  const nameParts = fullName?.split(/\s+/) ?? [];
  // "Ada King Lovelace": the first and last words are the safest split when no parts are given.
  if (!firstName && nameParts.length >= 2) firstName = nameParts[0];
  if (!lastName && nameParts.length >= 2) lastName = nameParts.at(-1);

  const emailText = text(synonyms("email"));
  const email = (emailText && normaliseEmail(emailText)) ?? personalStrings.map((node) => normaliseEmail(node.value as string)).find(Boolean) ?? undefined;

  const linkedin = linkFromValue(text(synonyms("linkedin")), "linkedin") ?? urlOn(/(^|\.)linkedin\.com$/, /^\/in\//);
  const github = linkFromValue(text(synonyms("github")), "github") ?? urlOn(/(^|\.)github\.com$/);
  const twitter = linkFromValue(text(synonyms("twitter")), "twitter") ?? urlOn(/(^|\.)(twitter|x)\.com$/);
  const portfolioText = text(synonyms("portfolio"));
  const websiteText = text(synonyms("website"));
  const website = websiteText ? (normaliseUrl(websiteText) ?? undefined) : undefined;

  const addressNode = findIn(nodes, synonyms("address"));
  const addressText = typeof addressNode?.value === "string" ? asText(addressNode.value) : undefined;
  const cityText = text(synonyms("city"));
  // JSON Resume's location.address is the street line; a full address names the city.
  const addressIsStreet = addressText !== undefined && cityText !== undefined && !addressText.includes(cityText);
  const street = text(synonyms("street")) ?? (addressIsStreet ? addressText : undefined);
  const locationNode = findIn(nodes, synonyms("location"));
  const locationText = typeof locationNode?.value === "string" ? asText(locationNode.value) : undefined;
  const locationParts = locationText?.split(",").map((part) => part.trim()) ?? [];
  const countryText =
    text(synonyms("country")) ??
    text(["countrycode"]) ??
    (locationParts.length >= 2 && resolveCountry(locationParts.at(-1)!) ? locationParts.at(-1) : undefined);
  const city = cityText ?? (locationParts.length >= 2 ? locationParts[0] : undefined);
  const state = text(synonyms("state"));
  const postalCode = text(synonyms("postalCode"));
  const countryName = countryText ? (resolveCountry(countryText, true)?.name ?? countryText) : undefined;
  const assembled = [street, city, [state, postalCode].filter(Boolean).join(" "), countryName].filter(Boolean).join(", ");
  const address = addressText !== undefined && !addressIsStreet ? addressText : assembled || undefined;
  const location = locationText ?? ([city, countryName].filter(Boolean).join(", ") || undefined);

  const work = recordList(nodes, WORK_KEYS);
  const currentJob = work.find(isCurrentEntry);
  const honorific = /^(mr|mrs|ms|miss|mx|dr|prof)\.?$/i;
  const titleText =
    text(synonyms("currentTitle")) ?? (currentJob && entryText(currentJob, synonyms("jobTitle"))) ?? text(synonyms("headline"));
  const education = recordList(nodes, EDUCATION_KEYS)[0];

  const byKey = new Map<string, string>();
  for (const node of nodes) {
    const value = isPersonal(node) && !Array.isArray(node.value) ? asText(node.value) : undefined;
    if (value !== undefined && !isRecord(node.value) && !byKey.has(node.key)) byKey.set(node.key, value);
  }

  return {
    fullName,
    firstName,
    middleName: text(synonyms("middleName"), inPersonContainer),
    lastName,
    email,
    phone: text(synonyms("phone")),
    linkedin,
    github,
    twitter,
    website: website && website !== linkedin && website !== github ? website : undefined,
    portfolio: portfolioText ? (normaliseUrl(portfolioText) ?? undefined) : undefined,
    street,
    city,
    state,
    postalCode,
    country: countryText,
    address,
    location,
    currentCompany: text(synonyms("currentCompany")) ?? (currentJob && entryText(currentJob, synonyms("jobCompany"))),
    currentTitle: titleText && !honorific.test(titleText) ? titleText : undefined,
    school: education && entryText(education, synonyms("school")),
    degree: education && entryText(education, synonyms("degree")),
    fieldOfStudy: education && entryText(education, synonyms("fieldOfStudy")),
    graduationDate: education && entryText(education, synonyms("graduationDate")),
    availableFrom: text(synonyms("availableFrom")),
    birthDate: text(synonyms("birthDate")),
    yearsOfExperience: text(synonyms("yearsOfExperience")),
    salaryExpectation: text(synonyms("salaryExpectation")),
    noticePeriod: text(["noticeperiod"]),
    nationality: text(synonyms("nationality")),
    pronouns: text(["pronouns"]),
    skills: splitSkills(nodes.find((node) => synonyms("skills").includes(node.key))?.value),
    authorizedToWork: bool(synonyms("authorizedToWork")),
    requiresSponsorship: bool(synonyms("requiresSponsorship")),
    willingToRelocate: bool(synonyms("willingToRelocate")),
    byKey,
  };
}

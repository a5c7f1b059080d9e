import { describe, expect, it } from "vitest";
import { extractProfileFacts } from "../../../src/generation/profile-extractor.ts";

describe("extractProfileFacts", () => {
  it("reads a flat profile with snake_case synonyms", () => {
    const facts = extractProfileFacts({
      first_name: "Grace",
      last_name: "Hopper",
      "E-mail": "grace@Navy.MIL",
      mobile: "+1 (555) 010-0000",
      zip: "10001",
      linkedin: "gracehopper",
      github_url: "github.com/grace",
      authorized_to_work: "yes",
      needs_sponsorship: false,
    });
    expect(facts).toMatchObject({
      firstName: "Grace",
      lastName: "Hopper",
      fullName: "Grace Hopper",
      email: "grace@navy.mil",
      phone: "+1 (555) 010-0000",
      postalCode: "10001",
      linkedin: "https://www.linkedin.com/in/gracehopper",
      github: "https://github.com/grace",
      authorizedToWork: true,
      requiresSponsorship: false,
    });
  });

  it("reads nested shapes and splits a full name", () => {
    const facts = extractProfileFacts({
      personal: { name: "Ada King Lovelace", contact: { emails: ["ada@example.com"], phones: ["+44 20 7946 0958"] } },
      address: { street: "1 Main St", city: "Springfield", state: "IL", postcode: "62701", country: "USA" },
      links: { portfolio: "https://ada.art", website: "ada.dev" },
      dateOfBirth: "1815-12-10",
    });
    expect(facts).toMatchObject({
      fullName: "Ada King Lovelace",
      firstName: "Ada",
      lastName: "Lovelace",
      email: "ada@example.com",
      phone: "+44 20 7946 0958",
      street: "1 Main St",
      city: "Springfield",
      state: "IL",
      postalCode: "62701",
      country: "USA",
      address: "1 Main St, Springfield, IL 62701, United States",
      portfolio: "https://ada.art",
      website: "https://ada.dev",
      birthDate: "1815-12-10",
    });
  });

  it("reads JSON Resume and never takes a company's name for the applicant's", () => {
    const facts = extractProfileFacts({
      basics: {
        label: "Engineer",
        email: "ada@example.com",
        location: { address: "12 Square", city: "London", countryCode: "GB" },
        profiles: [{ network: "LinkedIn", url: "https://www.linkedin.com/in/ada" }],
      },
      work: [
        { name: "Old Co", position: "Intern", endDate: "2019-01-01", url: "https://www.linkedin.com/company/oldco" },
        { name: "Engines Ltd", position: "Lead", startDate: "2020-01-01" },
      ],
      education: [{ institution: "University of London", studyType: "Bachelor", area: "Mathematics" }],
      skills: [{ name: "TypeScript" }, { name: "SQL" }],
    });
    expect(facts.fullName).toBeUndefined();
    expect(facts).toMatchObject({
      linkedin: "https://www.linkedin.com/in/ada",
      city: "London",
      country: "GB",
      street: "12 Square",
      location: "London, United Kingdom",
      currentCompany: "Engines Ltd",
      currentTitle: "Lead",
      school: "University of London",
      degree: "Bachelor",
      fieldOfStudy: "Mathematics",
      skills: ["TypeScript", "SQL"],
    });
  });

  it("derives city and country from a location string, without reading a state code as a country", () => {
    expect(extractProfileFacts({ location: "Berlin, Germany" })).toMatchObject({ city: "Berlin", country: "Germany" });
    const us = extractProfileFacts({ location: "San Francisco, CA" });
    expect(us.city).toBe("San Francisco");
    expect(us.country).toBeUndefined();
  });

  it("ignores a reference's contact details and honorifics", () => {
    const facts = extractProfileFacts({ title: "Dr.", references: [{ name: "Bob", email: "bob@example.com" }] });
    expect(facts.email).toBeUndefined();
    expect(facts.fullName).toBeUndefined();
    expect(facts.currentTitle).toBeUndefined();
  });
});

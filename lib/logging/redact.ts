// Redaction of logged bodies before they are stored: built-in patterns for secrets and personal data,
// and the operator's own regexes. Pure functions; the body writer runs them off the request path.

/**
 * An operator's regex runs over slices of at most this many characters: a pattern that backtracks
 * badly then costs a bounded time per slice, not one that grows with the body.
 */
export const ADMIN_PATTERN_SLICE = 4096;

/** The Luhn check digit test, which card numbers pass and most other long digit runs do not. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

interface Rule {
  label: string;
  pattern: RegExp;
  /** a match only counts when this holds (cards: the Luhn check) */
  accept?: (match: string) => boolean;
}

const BUILT_IN: Rule[] = [
  // secrets first: a key may contain digit runs that would otherwise read as a card or phone number
  { label: "api_key", pattern: /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g },
  { label: "api_key", pattern: /\bsk-[A-Za-z0-9_-]{16,}/g },
  { label: "api_key", pattern: /\bAKIA[0-9A-Z]{16}\b/g },
  { label: "api_key", pattern: /\bAIza[0-9A-Za-z_-]{35}/g },
  { label: "email", pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  {
    label: "card",
    pattern: /(?<![\d+-])\d(?:[ -]?\d){12,18}(?![\d-])/g,
    accept: (match) => {
      const digits = match.replace(/[ -]/g, "");
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
    },
  },
  // E.164 (+8613812345678), then grouped national numbers: (415) 555-0100, 415-555-0100, +1 415 555 0100
  { label: "phone", pattern: /(?<![\w+])\+[1-9]\d{7,14}\b/g },
  { label: "phone", pattern: /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{3}[ .-])\d{3,4}[ .-]\d{4}(?!\w)/g },
];

export type Redactor = (text: string) => string;

function applyRule(text: string, { label, pattern, accept }: Rule): string {
  return text.replace(pattern, (match) => (!accept || accept(match) ? `[REDACTED:${label}]` : match));
}

/** A redactor of the built-in patterns and the operator's (already validated) regexes. */
export function redactor(adminPatterns: readonly string[]): Redactor {
  const admin = adminPatterns.map((source) => new RegExp(source, "g"));
  return (text) => {
    let out = BUILT_IN.reduce(applyRule, text);
    for (const pattern of admin) {
      let sliced = "";
      for (let at = 0; at < out.length; at += ADMIN_PATTERN_SLICE) sliced += out.slice(at, at + ADMIN_PATTERN_SLICE).replace(pattern, "[REDACTED:custom]");
      out = sliced;
    }
    return out;
  };
}

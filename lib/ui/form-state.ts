/** What a form's server action answers: a message, or errors to show next to the fields. */
export interface FormState {
  ok?: string;
  error?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  /** anything the form shows once, such as a new key's secret */
  secret?: string;
  /** several shown once, such as a batch of redemption codes */
  secrets?: string[];
}

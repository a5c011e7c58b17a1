/** A refused operator action, with a message fit to show as is (CLI line, UI toast). */
export class AdminError extends Error {
  override name = "AdminError";
  constructor(
    message: string,
    readonly code: "invalid" | "not_found" | "conflict" = "invalid",
  ) {
    super(message);
  }
}

/**
 * Errors a caller can act on. Anything else that escapes core is a bug and is reported as such.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: "validation" | "not_found" | "conflict" | "unprocessable" | "unavailable";

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // Logs and stack traces then say which error it was, not just "Error".
    this.name = new.target.name;
  }
}

export interface Issue {
  field: string;
  message: string;
}

export class ValidationError extends DomainError {
  readonly kind = "validation";
  constructor(readonly issues: Issue[]) {
    super(issues.map((issue) => issue.message).join("; "));
  }
}

export class NotFoundError extends DomainError {
  readonly kind = "not_found";
}

export class ConflictError extends DomainError {
  readonly kind = "conflict";
}

/** Well-formed, but contradicting what the API already holds (an Idempotency-Key sent before with another body). */
export class UnprocessableError extends DomainError {
  readonly kind = "unprocessable";
}

/** Something the answer depends on did not answer in time: try again shortly (503). */
export class UnavailableError extends DomainError {
  readonly kind = "unavailable";
}

export class DatabaseUnavailableError extends UnavailableError {
  constructor(options?: { cause?: unknown }) {
    super("Database unavailable", options);
  }
}

/**
 * The error of a message that fails validation, naming each bad field. In its own module so that
 * the HTTP adapter and the payment handlers need not bundle the portal's schemas to catch it.
 */
/** A message that fails validation; `details` names every bad field (`data[3].NgayHenTra`). */
export class ValidationError extends Error {
  readonly details: { path: string; message: string }[];

  /** `what`: the kind of message, named in the error text (the portal's by default). */
  constructor(details: { path: string; message: string }[], what = 'portal message') {
    const shown = details.slice(0, 5).map((d) => `${d.path || '(body)'}: ${d.message}`);
    const more = details.length > shown.length ? `; and ${details.length - shown.length} more` : '';
    super(`Invalid ${what} (${details.length} error${details.length === 1 ? '' : 's'}): ${shown.join('; ')}${more}`);
    this.name = 'ValidationError';
    this.details = details;
  }
}

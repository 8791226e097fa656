// Errors the UI reacts to by kind rather than by message text: the formatter sends `reason` along
// (error.data.reason), so clients can explain the problem in the user's language.
export type AppErrorReason = "credentials_rejected" | "subscription_missing" | "marketplace_unreachable" | "credentials_incomplete";

export class AppError extends Error {
  constructor(
    readonly reason: AppErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AppError";
  }
}

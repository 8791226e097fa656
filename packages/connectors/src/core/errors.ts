// One error type per kind of failure, each with a stable `code` for logs, the sync engine and the UI.
export interface ConnectorErrorInit {
  marketplace?: string;
  status?: number;
  requestId?: string;
  cause?: unknown;
}

export class ConnectorError extends Error {
  readonly code: string = "CONNECTOR_ERROR";
  readonly marketplace?: string;
  readonly status?: number;
  readonly requestId?: string;

  constructor(message: string, init: ConnectorErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.marketplace = init.marketplace;
    this.status = init.status;
    this.requestId = init.requestId;
  }
}

export class NotImplementedError extends ConnectorError {
  override readonly code = "NOT_IMPLEMENTED";
  constructor(
    readonly connectorName: string,
    readonly method: string,
  ) {
    super(`${connectorName} does not implement ${method}`);
  }
}

export class UnknownConnectorError extends ConnectorError {
  override readonly code = "UNKNOWN_CONNECTOR";
  constructor(marketplace: string, channel: string) {
    super(`Unknown connector: marketplace=${marketplace}, channel=${channel}`);
  }
}

export class ConnectorCredentialsError extends ConnectorError {
  override readonly code = "INVALID_CREDENTIALS";
  constructor(
    readonly connectorName: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${connectorName}: invalid credentials field "${field}": ${detail}`);
  }
}

export type MarketplaceAuthReason = "invalid_token" | "token_category" | "subscription_missing" | "forbidden";

export class MarketplaceAuthError extends ConnectorError {
  override readonly code = "MARKETPLACE_AUTH";
  constructor(
    message: string,
    readonly reason: MarketplaceAuthReason,
    init: ConnectorErrorInit = {},
  ) {
    super(message, init);
  }
}

export class RateLimitedError extends ConnectorError {
  override readonly code = "RATE_LIMITED";
  constructor(
    message: string,
    /** How long upstream wants us to wait before the next call. */
    readonly retryAfterMs: number,
    init: ConnectorErrorInit = {},
  ) {
    super(message, init);
  }
}

export class UpstreamError extends ConnectorError {
  override readonly code = "UPSTREAM_ERROR";
  constructor(
    message: string,
    readonly retryable: boolean,
    init: ConnectorErrorInit = {},
  ) {
    super(message, init);
  }
}

/** The host answered with a redirect, which is never followed (it could point anywhere). */
export class RedirectRefusedError extends ConnectorError {
  override readonly code = "REDIRECT_REFUSED";
}

export class MarketplaceRequestError extends ConnectorError {
  override readonly code = "MARKETPLACE_REQUEST";
  constructor(
    message: string,
    /** The marketplace's own error text, verbatim. */
    readonly upstreamMessage: string | undefined,
    init: ConnectorErrorInit = {},
  ) {
    super(message, init);
  }
}

export class ResponseValidationError extends ConnectorError {
  override readonly code = "RESPONSE_VALIDATION";
  constructor(
    message: string,
    /** Dotted paths of the fields that did not match, e.g. "data.feedbacks.0.createdDate". */
    readonly fieldPaths: string[],
    init: ConnectorErrorInit = {},
  ) {
    super(message, init);
  }
}

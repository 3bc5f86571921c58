/**
 * Category of an STS error for obtaining a session, decided from its code and message.
 * @internal
 */
export type StsFailureKind =
  | "region-disabled"
  | "code-rejected"
  | "serial-invalid"
  | "source-is-session"
  | "source-invalid"
  | "duration-invalid"
  | "other";

/** Fields the SDK sets on a service exception; every one may be missing on other errors. @internal */
export interface StsErrorFields {
  name: string;
  message: string;
  httpStatusCode: number | undefined;
  requestId: string | undefined;
}

/** @internal */
export const readStsError = (error: unknown): StsErrorFields => {
  const value = (error ?? {}) as { name?: unknown; message?: unknown; $metadata?: Record<string, unknown> };
  return {
    name: typeof value.name === "string" ? value.name : "Error",
    message: typeof value.message === "string" ? value.message : String(error),
    httpStatusCode: typeof value.$metadata?.httpStatusCode === "number" ? value.$metadata.httpStatusCode : undefined,
    requestId: typeof value.$metadata?.requestId === "string" ? value.$metadata.requestId : undefined,
  };
};

/** @internal */
export const classifyStsError = (fields: StsErrorFields): StsFailureKind => {
  const { name, message } = fields;
  if (name === "RegionDisabledException") {
    return "region-disabled";
  }
  if (name === "AccessDenied" || name === "AccessDeniedException") {
    if (/invalid MFA one time pass code/i.test(message)) {
      return "code-rejected";
    }
    if (/unable to validate MFA code/i.test(message)) {
      return "serial-invalid";
    }
    if (/with session credentials/i.test(message)) {
      return "source-is-session";
    }
  }
  if (name === "InvalidClientTokenId" || name === "SignatureDoesNotMatch" || name === "UnrecognizedClientException") {
    return "source-invalid";
  }
  if (name === "ValidationError" && /durationSeconds/i.test(message)) {
    return "duration-invalid";
  }
  return "other";
};

/**
 * Formats the STS error for a message with its code, text and request id, which AWS support needs.
 * @internal
 */
export const describeStsError = (fields: StsErrorFields): string => {
  const status = fields.httpStatusCode === undefined ? "" : ` (HTTP ${fields.httpStatusCode})`;
  const requestId = fields.requestId === undefined ? "" : ` [request id ${fields.requestId}]`;
  return `${fields.name}${status}: ${fields.message}${requestId}`;
};

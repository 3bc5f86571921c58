import { SMITHY_CONTEXT_KEY, type HandlerExecutionContext } from "@smithy/types";

// Session credentials from GetSessionToken can call only these STS operations; AWS rejects the
// rest (GetSessionToken, GetFederationToken, GetAccessKeyInfo, DecodeAuthorizationMessage, ...).
const STS_OPERATIONS_FOR_SESSIONS: ReadonlySet<string> = new Set(["AssumeRole", "GetCallerIdentity"]);

/**
 * Tells whether a request must be signed with the client's own credentials instead of the session:
 * STS operations other than AssumeRole and GetCallerIdentity, and every IAM operation when the
 * session was obtained without MFA, because AWS rejects session credentials there.
 * @internal
 */
export const keepsSourceCredentials = (serviceId: string, operation: string, sessionHasMfa: boolean): boolean => {
  switch (serviceId.toUpperCase()) {
    case "STS":
      return !STS_OPERATIONS_FOR_SESSIONS.has(operation);
    case "IAM":
      return !sessionHasMfa;
    default:
      return false;
  }
};

/**
 * Returns the operation name of the command being sent, such as "GetCallerIdentity": the one in the
 * Smithy context, else the command name without its "Command" suffix.
 * @internal
 */
export const readOperationName = (context: HandlerExecutionContext): string => {
  const smithyContext = context[SMITHY_CONTEXT_KEY] as { operation?: unknown } | undefined;
  if (typeof smithyContext?.operation === "string") {
    return smithyContext.operation;
  }
  return (context.commandName ?? "").replace(/Command$/, "");
};

/**
 * Returns the service id of the client, such as "S3": the config's `serviceId`, else the client
 * name without its "Client" suffix.
 * @internal
 */
export const readServiceId = (serviceId: unknown, context: HandlerExecutionContext): string => {
  if (typeof serviceId === "string" && serviceId !== "") {
    return serviceId;
  }
  return (context.clientName ?? "").replace(/Client$/, "");
};

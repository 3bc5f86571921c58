// The IAM actions that sts-local implements over the Query protocol: ListUsers and GetUser.
import type { AuthenticatedCaller } from "./auth.js";
import { StsError } from "./errors.js";
import type { ResolvedUser } from "./users.js";
import { xmlElement } from "./xml.js";

/** IAM API version that an IAM request names. sts-local routes Query requests with it to IAM. */
export const IAM_API_VERSION = "2010-05-08";

/** The signing name that the credential scope of an IAM request must contain. */
export const IAM_SIGNING_SERVICE = "iam";

// NOTE: AWS documents that sessions from GetSessionToken cannot call IAM without MFA. The exact
// error response is not verified, so this code and message are sts-local's own.
const SESSION_WITHOUT_MFA_MESSAGE = "Cannot call IAM API operations with session credentials obtained without MFA authentication.";

/** Inputs of an IAM action handler. */
export interface IamActionContext {
  caller: AuthenticatedCaller;
  params: URLSearchParams;
  users: ReadonlyMap<string, ResolvedUser>;
  /** Time the server started, reported as the CreateDate of every user. */
  createdAtMs: number;
}

/** An IAM action handler: returns the inner XML of the `<{Action}Result>` element, or throws an StsError. */
export type IamActionHandler = (context: IamActionContext) => string;

/** Throws AccessDenied when the caller uses session credentials issued without an MFA code. */
export function requireIamCaller(caller: AuthenticatedCaller): void {
  if (caller.session !== undefined && !caller.session.mfaAuthenticated) {
    throw new StsError(403, "AccessDenied", SESSION_WITHOUT_MFA_MESSAGE);
  }
}

// IAM reports dates in ISO 8601 UTC without milliseconds.
const isoSeconds = (timeMs: number): string => new Date(timeMs).toISOString().replace(/\.\d{3}Z$/, "Z");

function userXml(user: ResolvedUser, createdAtMs: number): string {
  const name = user.root ? "" : xmlElement("Path", "/") + xmlElement("UserName", user.userName);
  return name + xmlElement("UserId", user.userId) + xmlElement("Arn", user.arn) + xmlElement("CreateDate", isoSeconds(createdAtMs));
}

/** ListUsers: every configured IAM user of the caller's account, in one page. The root user is not an IAM user. */
export const listUsers: IamActionHandler = ({ caller, users, createdAtMs }) => {
  const members = [...users.values()]
    .filter((user) => !user.root && user.account === caller.user.account)
    .map((user) => `<member>${userXml(user, createdAtMs)}</member>`);
  return `<Users>${members.join("")}</Users>${xmlElement("IsTruncated", "false")}`;
};

/** GetUser: the user named by UserName in the caller's account, or the caller when UserName is absent. */
export const getUser: IamActionHandler = ({ caller, params, users, createdAtMs }) => {
  const userName = params.get("UserName");
  if (userName === null) {
    return `<User>${userXml(caller.user, createdAtMs)}</User>`;
  }

  const user = [...users.values()].find((candidate) => !candidate.root && candidate.account === caller.user.account && candidate.userName === userName);
  if (user === undefined) {
    throw new StsError(404, "NoSuchEntity", `The user with name ${userName} cannot be found.`);
  }
  return `<User>${userXml(user, createdAtMs)}</User>`;
};

/** IAM handlers by the value of the Action parameter. */
export const IAM_ACTION_HANDLERS: ReadonlyMap<string, IamActionHandler> = new Map([
  ["ListUsers", listUsers],
  ["GetUser", getUser],
]);

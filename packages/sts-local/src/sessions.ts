// Temporary credentials that GetSessionToken issues, kept in memory for the life of the server.
import { randomBytes, randomInt } from "node:crypto";

import type { ResolvedUser } from "./users.js";

/** Temporary credentials issued to a user, and what the server remembers about them. */
export interface IssuedSession {
  /** "ASIA" followed by 16 characters A-Z and 0-9. */
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  user: ResolvedUser;
  /** Expiration in milliseconds since the Unix epoch, a whole second as sent in the response. */
  expiresAtMs: number;
  /** Whether GetSessionToken checked an MFA code before it issued the session. */
  mfaAuthenticated: boolean;
}

const KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function randomString(alphabet: string, length: number): string {
  let text = "";
  for (let index = 0; index < length; index += 1) {
    text += alphabet[randomInt(alphabet.length)];
  }
  return text;
}

/** Issued sessions by their ASIA access key id. */
export class SessionStore {
  private readonly sessions = new Map<string, IssuedSession>();

  /**
   * Issues a session for `user` that expires `lifetimeSeconds` after `nowMs`. The expiration is
   * rounded down to a whole second, because STS sends it without milliseconds.
   */
  issue(user: ResolvedUser, lifetimeSeconds: number, nowMs: number, mfaAuthenticated: boolean): IssuedSession {
    let accessKeyId: string;
    do {
      accessKeyId = `ASIA${randomString(KEY_ID_ALPHABET, 16)}`;
    } while (this.sessions.has(accessKeyId));

    const session: IssuedSession = {
      accessKeyId,
      secretAccessKey: randomString(SECRET_ALPHABET, 40),
      sessionToken: randomBytes(192).toString("base64"),
      user,
      expiresAtMs: Math.floor((nowMs + lifetimeSeconds * 1000) / 1000) * 1000,
      mfaAuthenticated,
    };
    this.sessions.set(accessKeyId, session);
    return session;
  }

  find(accessKeyId: string): IssuedSession | undefined {
    return this.sessions.get(accessKeyId);
  }

  /**
   * Sets the expiration of the session with this access key id to `nowMs`, so it is expired from now on.
   * Throws an Error when no session has this access key id.
   */
  expire(accessKeyId: string, nowMs: number): void {
    const session = this.sessions.get(accessKeyId);
    if (session === undefined) {
      throw new Error(`sts-local has issued no session with access key id "${accessKeyId}".`);
    }
    session.expiresAtMs = Math.min(session.expiresAtMs, nowMs);
  }
}

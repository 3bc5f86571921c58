import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { isMfaSessionCacheError } from "../src/cacheErrors.js";
import { CACHE_FILE_VERSION, serializeCacheFile } from "../src/cacheFile.js";
import type { MfaSessionCacheEntry } from "../src/cacheTypes.js";
import { fileCache } from "../src/fileCache.js";
import { captureLogger, type CapturingLogger } from "./helpers.js";

const KEY = JSON.stringify(["AKIACACHE00000000001", "arn:aws:iam::123456789012:mfa/alice", 3600, "eu-west-1", null, "dev"]);
const SECRET = "cache/secret/planted/0000000000000000000";
const TOKEN = "cache-session-token-planted-000000000000";

const entry = (expiration = new Date(Date.now() + 3_600_000), accessKeyId = "ASIACACHE00000000001"): MfaSessionCacheEntry => ({
  credentials: { accessKeyId, secretAccessKey: SECRET, sessionToken: TOKEN, expiration },
  profile: "dev",
  serialNumber: "arn:aws:iam::123456789012:mfa/alice",
  region: "eu-west-1",
});

const fileName = (key: string) => `${createHash("sha256").update(key).digest("hex")}.json`;

describe(fileCache.name, () => {
  let root: string;
  let directory: string;
  let logger: CapturingLogger;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "mfa-session-cache-"));
    directory = join(root, "mfa-session");
    logger = captureLogger();
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const cache = () => fileCache({ directory, logger, lockTimeoutMs: 2_000, staleLockMs: 2_000 });

  const assertNoSecrets = () => {
    const text = logger.text();
    for (const secret of [SECRET, TOKEN, "AKIACACHE00000000001"]) {
      assert.ok(!text.includes(secret), `log contains ${secret}`);
    }
  };

  describe("files", () => {
    it("returns what it stored", async () => {
      const stored = entry();
      await cache().set(KEY, stored);

      assert.deepEqual(await cache().get(KEY), stored);
    });

    it("names files by the key's hash", async () => {
      await cache().set(KEY, entry());

      const names = await readdir(directory);
      assert.deepEqual(names, [fileName(KEY)]);
      assert.ok(!names[0].includes("AKIA"));
      assert.ok(!names[0].includes("dev"));
    });

    it("stores status fields and credentials", async () => {
      await cache().set(KEY, entry(new Date("2030-01-01T00:00:00.000Z")));

      const content = JSON.parse(await readFile(join(directory, fileName(KEY)), "utf8"));
      assert.equal(content.version, CACHE_FILE_VERSION);
      assert.equal(content.profile, "dev");
      assert.equal(content.serialNumber, "arn:aws:iam::123456789012:mfa/alice");
      assert.equal(content.region, "eu-west-1");
      assert.equal(content.expiration, "2030-01-01T00:00:00.000Z");
      assert.equal(content.credentials.sessionToken, TOKEN);
    });

    it("writes 0600 files in a 0700 directory under umask 022", async () => {
      const previous = process.umask(0o022);
      try {
        await cache().set(KEY, entry());
      } finally {
        process.umask(previous);
      }

      assert.equal((await stat(directory)).mode & 0o777, 0o700);
      assert.equal((await stat(join(directory, fileName(KEY)))).mode & 0o777, 0o600);
    });

    it("misses an absent key without warning", async () => {
      assert.equal(await cache().get(KEY), undefined);
      assert.deepEqual(logger.lines.filter((line) => line.level === "warn"), []);
    });

    it("deletes a key", async () => {
      await cache().set(KEY, entry());
      await cache().delete(KEY);
      await cache().delete(KEY);

      assert.equal(await cache().get(KEY), undefined);
      assert.deepEqual(await readdir(directory), []);
    });

    it("lists summaries without credentials", async () => {
      const expiration = new Date(Date.now() + 60_000);
      await cache().set(KEY, entry(expiration));
      await writeFile(join(directory, "notes.txt"), "not a cache file");

      const summaries = await cache().list();

      assert.deepEqual(summaries, [
        { key: KEY, profile: "dev", serialNumber: "arn:aws:iam::123456789012:mfa/alice", region: "eu-west-1", expiration },
      ]);
    });

    it("exposes the resolved directory", () => {
      assert.equal(cache().directory, directory);
    });
  });

  describe("damaged and untrusted files", () => {
    const path = () => join(directory, fileName(KEY));

    const plant = async (text: string, mode = 0o600) => {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      await writeFile(path(), text, { mode });
      await chmod(path(), mode);
    };

    const whole = () => serializeCacheFile(KEY, entry());

    const variants: [string, () => Promise<void>, RegExp][] = [
      ["empty", () => plant(""), /is empty/],
      ["truncated", () => plant(whole().slice(0, 60)), /is not valid JSON/],
      ["not JSON", () => plant(`not json ${SECRET}`), /is not valid JSON/],
      ["an array", () => plant("[1, 2]"), /does not contain a JSON object/],
      ["of the wrong shape", () => plant(JSON.stringify({ version: CACHE_FILE_VERSION, key: KEY, credentials: { secretAccessKey: SECRET } })), /does not have the fields/],
      ["of an unknown version", () => plant(whole().replace(`"version": ${CACHE_FILE_VERSION}`, '"version": 99')), /unknown format version/],
      ["for another key", () => plant(serializeCacheFile("other-key", entry())), /belongs to another session/],
      ["readable by others", () => plant(whole(), 0o644), /has mode 0644/],
      ["a directory", () => mkdir(path(), { recursive: true, mode: 0o700 }).then(() => undefined), /is not a regular file/],
      ["too large", () => plant(" ".repeat(70_000) + whole()), /is larger than/],
      ["valid until 9999", () => plant(serializeCacheFile(KEY, entry(new Date("9999-12-31T23:59:59Z")))), /later than any STS session/],
    ];
    for (const [name, damage, problem] of variants) {
      it(`misses a file that is ${name}`, async () => {
        await damage();

        assert.equal(await cache().get(KEY), undefined);

        const warnings = logger.lines.filter((line) => line.level === "warn");
        assert.equal(warnings.length, 1, logger.text());
        assert.ok(warnings[0].message.includes(path()), warnings[0].message);
        assert.match(warnings[0].message, problem);
        assertNoSecrets();
      });
    }

    it("misses a symbolic link", async () => {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const target = join(root, "elsewhere.json");
      await writeFile(target, whole(), { mode: 0o600 });
      await symlink(target, path());

      assert.equal(await cache().get(KEY), undefined);
      assert.match(logger.text(), /is a symbolic link/);
    });

    it("misses a file of another user", async function () {
      if (process.getuid?.() !== 0) {
        this.skip();
      }
      await plant(whole());
      await chown(path(), 4321, 4321);

      assert.equal(await cache().get(KEY), undefined);
      assert.match(logger.text(), /is owned by another user \(uid 4321\)/);
    });

    it("replaces a damaged file on the next write", async () => {
      await plant("{");
      await cache().set(KEY, entry());

      assert.ok(await cache().get(KEY));
      assert.equal((await stat(path())).mode & 0o777, 0o600);
    });

    it("removes an expired session", async () => {
      await cache().set(KEY, entry(new Date(Date.now() - 1_000)));

      assert.equal(await cache().get(KEY), undefined);

      assert.deepEqual(await readdir(directory), []);
      assert.match(logger.text(), /session expired at/);
    });

    it("skips damaged files in the list", async () => {
      await plant("{");
      await cache().set("second-key", entry());

      const summaries = await cache().list();

      assert.deepEqual(summaries.map((summary) => summary.key), ["second-key"]);
      assert.match(logger.text(), /is not valid JSON/);
    });

    it("ignores a directory of another user", async function () {
      if (process.getuid?.() !== 0) {
        this.skip();
      }
      await mkdir(directory, { mode: 0o700 });
      await chown(directory, 4321, 4321);
      const foreign = cache();

      await foreign.set(KEY, entry());
      assert.equal(await foreign.get(KEY), undefined);
      assert.deepEqual(await readdir(directory), []);
      const warnings = logger.lines.filter((line) => line.level === "warn");
      assert.equal(warnings.length, 1, "one warning per cache for a directory problem");
    });
  });

  describe("concurrency", () => {
    it("never exposes a partial file to readers", async () => {
      const writers = Array.from({ length: 50 }, (_, index) =>
        cache().set(KEY, entry(new Date(Date.now() + 3_600_000 + index), `ASIAWRITER${String(index).padStart(10, "0")}`)),
      );
      let reads = 0;
      let done = false;
      const reader = (async () => {
        while (!done) {
          const read = await cache().get(KEY);
          if (read) {
            assert.match(read.credentials.accessKeyId, /^ASIAWRITER\d{10}$/);
            reads += 1;
          }
        }
      })();

      await Promise.all(writers);
      done = true;
      await reader;

      assert.ok(reads > 0);
      assert.deepEqual(logger.lines.filter((line) => line.level === "warn"), []);
      assert.deepEqual(await readdir(directory), [fileName(KEY)], "no temporary file left");
    });

    it("runs tasks of one key one at a time", async () => {
      let running = 0;
      let maxRunning = 0;
      const task = async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
      };

      await Promise.all(Array.from({ length: 5 }, () => cache().withLock(KEY, task)));

      assert.equal(maxRunning, 1);
      assert.deepEqual(await readdir(directory), [], "lock released");
    });

    it("times out waiting for a held lock", async () => {
      const impatient = fileCache({ directory, logger, lockTimeoutMs: 300 });
      let release!: () => void;
      const holding = cache().withLock(KEY, () => new Promise<void>((resolve) => (release = resolve)));
      await new Promise((resolve) => setTimeout(resolve, 50));

      await assert.rejects(impatient.withLock(KEY, async () => "never"), (error: unknown) => {
        assert.ok(isMfaSessionCacheError(error, "CACHE_LOCK_TIMEOUT"));
        assert.match(error.message, /Timed out after \d+ ms waiting for the cache lock/);
        assert.match(error.message, /lockTimeoutMs/);
        return true;
      });
      release();
      await holding;
    });

    it("says why it waits for a lock", async () => {
      const patient = fileCache({ directory, logger, lockTimeoutMs: 5_000 });
      let release!: () => void;
      const holding = cache().withLock(KEY, () => new Promise<void>((resolve) => (release = resolve)));
      await new Promise((resolve) => setTimeout(resolve, 50));

      const waiting = patient.withLock(KEY, async () => "done");
      await new Promise((resolve) => setTimeout(resolve, 1_400));
      release();
      await holding;

      assert.equal(await waiting, "done");
      const notices = logger.lines.filter((line) => line.level === "warn" && /waiting for another process/.test(line.message));
      assert.equal(notices.length, 1);
    });

    it("takes over a stale lock", async () => {
      await mkdir(directory, { mode: 0o700 });
      const lockPath = join(directory, fileName(KEY).replace(/\.json$/, ".lock"));
      await mkdir(lockPath);
      const longAgo = new Date(Date.now() - 60_000);
      await utimes(lockPath, longAgo, longAgo);

      const started = Date.now();
      assert.equal(await cache().withLock(KEY, async () => "ran"), "ran");
      assert.ok(Date.now() - started < 1_000);
    });
  });
});

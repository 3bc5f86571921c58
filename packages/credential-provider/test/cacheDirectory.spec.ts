import assert from "node:assert/strict";
import { chown, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { isMfaSessionCacheError } from "../src/cacheErrors.js";
import { CACHE_DIRECTORY_ENV, preparePrivateDirectory, resolveCacheDirectory } from "../src/cacheDirectory.js";

describe(resolveCacheDirectory.name, () => {
  const cases: [string, string | undefined, Record<string, string>, NodeJS.Platform, string][] = [
    ["the option first", "/opt/cache", { [CACHE_DIRECTORY_ENV]: "/env/cache", HOME: "/home/alice" }, "linux", "/opt/cache"],
    ["the environment variable", undefined, { [CACHE_DIRECTORY_ENV]: "/env/cache", HOME: "/home/alice" }, "linux", "/env/cache"],
    ["XDG_CACHE_HOME", undefined, { XDG_CACHE_HOME: "/xdg", HOME: "/home/alice" }, "linux", "/xdg/mfa-session"],
    ["HOME over a relative XDG_CACHE_HOME", undefined, { XDG_CACHE_HOME: "xdg", HOME: "/home/alice" }, "linux", "/home/alice/.cache/mfa-session"],
    ["HOME on Linux", undefined, { HOME: "/home/alice" }, "linux", "/home/alice/.cache/mfa-session"],
    ["HOME on macOS", undefined, { HOME: "/Users/alice", XDG_CACHE_HOME: "/xdg" }, "darwin", "/Users/alice/Library/Caches/mfa-session"],
  ];
  for (const [name, directory, env, platform, expected] of cases) {
    it(`uses ${name}`, () => {
      assert.equal(resolveCacheDirectory(directory, { env, platform }), expected);
    });
  }

  it("uses LOCALAPPDATA on Windows", () => {
    const resolved = resolveCacheDirectory(undefined, { env: { LOCALAPPDATA: "/appdata/local" }, platform: "win32" });
    assert.equal(resolved, join("/appdata/local", "mfa-session"));
  });

  it("resolves a relative option", () => {
    assert.equal(resolveCacheDirectory("cache", { env: {}, platform: "linux" }), join(process.cwd(), "cache"));
  });

  for (const platform of ["linux", "darwin"] as const) {
    it(`fails without HOME on ${platform}`, () => {
      assert.throws(
        () => resolveCacheDirectory(undefined, { env: {}, platform }),
        (error: unknown) => {
          assert.ok(isMfaSessionCacheError(error, "CACHE_DIRECTORY_UNRESOLVED"));
          assert.match(error.message, /HOME is not set/);
          assert.match(error.message, /directory option of fileCache\(\)/);
          assert.match(error.message, new RegExp(CACHE_DIRECTORY_ENV));
          assert.equal(error.tryNextLink, false);
          return true;
        },
      );
    });
  }

  it("fails without any variable on Windows", () => {
    assert.throws(() => resolveCacheDirectory(undefined, { env: {}, platform: "win32" }), /LOCALAPPDATA and USERPROFILE are not set/);
  });
});

describe(preparePrivateDirectory.name, () => {
  it("gives up where parents cannot exist", async function () {
    this.timeout(5_000);
    const warnings: string[] = [];

    const usable = await preparePrivateDirectory("/proc/.cache/mfa-session", (message) => warnings.push(message));

    assert.equal(usable, false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /could not create the cache directory/);
  });

  let root: string;
  let warnings: string[];
  const warn = (message: string) => warnings.push(message);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "mfa-session-directory-"));
    warnings = [];
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates a 0700 directory under umask 022", async () => {
    const directory = join(root, "nested", "mfa-session");
    const previous = process.umask(0o022);
    try {
      assert.equal(await preparePrivateDirectory(directory, warn), true);
    } finally {
      process.umask(previous);
    }

    assert.equal((await stat(directory)).mode & 0o777, 0o700);
    assert.deepEqual(warnings, []);
  });

  it("narrows a wider directory of ours", async () => {
    const directory = join(root, "wide");
    await mkdir(directory, { mode: 0o755 });

    assert.equal(await preparePrivateDirectory(directory, warn), true);

    assert.equal((await stat(directory)).mode & 0o777, 0o700);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /had mode 0755.*changed it to 0700/);
  });

  it("rejects a directory of another user", async function () {
    if (process.getuid?.() !== 0) {
      this.skip();
    }
    const directory = join(root, "foreign");
    await mkdir(directory, { mode: 0o700 });
    await chown(directory, 4321, 4321);

    assert.equal(await preparePrivateDirectory(directory, warn), false);

    assert.match(warnings[0], /owned by another user \(uid 4321\); the cache is not used/);
  });

  it("rejects a file in its place", async () => {
    const directory = join(root, "file");
    await writeFile(directory, "");

    assert.equal(await preparePrivateDirectory(directory, warn), false);
    assert.match(warnings[0], /is not a directory/);
  });
});

// Tests run from the TypeScript sources: tsx compiles them, and the "@mfa-session/source" export
// condition makes workspace packages resolve to src/ instead of dist/. The spec files are named
// in the root package.json's test script, so `npx mocha FILE` runs one file alone.
module.exports = {
  "node-option": ["conditions=@mfa-session/source", "import=tsx"],
  extension: ["ts"],
  timeout: 20000,
  recursive: true,
};

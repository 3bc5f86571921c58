/**
 * Tells whether any top-level member of a command input is a stream (a Node.js Readable, a web
 * ReadableStream or another async iterable). Such a body is consumed by the first attempt, so the
 * request cannot be sent again.
 * @internal
 */
export const hasStreamingInput = (input: unknown): boolean => {
  if (typeof input !== "object" || input === null) {
    return false;
  }
  return Object.values(input).some(isStream);
};

const isStream = (value: unknown): boolean => {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const candidate = value as { pipe?: unknown; getReader?: unknown; [Symbol.asyncIterator]?: unknown };
  return (
    typeof candidate.pipe === "function" ||
    typeof candidate.getReader === "function" ||
    typeof candidate[Symbol.asyncIterator] === "function"
  );
};

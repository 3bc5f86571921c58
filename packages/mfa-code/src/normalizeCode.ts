const SIX_DIGITS = /^\d{6}$/;

// Spaces, tabs and dashes that people type or paste between digit groups, as in "123 456".
const DIGIT_SEPARATORS = /[\s-]/g;

/**
 * Returns the six-digit code in `input` with surrounding whitespace and the spaces or dashes
 * between digit groups removed, or undefined when what remains is not exactly six digits.
 * @internal
 */
export const normalizeTypedCode = (input: string): string | undefined => {
  const code = input.replace(DIGIT_SEPARATORS, "");
  return SIX_DIGITS.test(code) ? code : undefined;
};

/** Tells whether `value` is exactly six ASCII digits. @internal */
export const isSixDigitCode = (value: string): boolean => SIX_DIGITS.test(value);

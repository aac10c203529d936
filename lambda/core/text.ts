/**
 * Bounding and escaping of text that came from an event. Every string in a CloudTrail record is
 * attacker-controlled: it is bounded before it is stored in a finding, and escaped for the place
 * it is shown (terminal, shell command, Slack).
 */

/** Maximum length of an event string kept in a finding. AWS resource ids and ARNs are far shorter. */
export const MAX_FIELD_LENGTH = 1024;

/** Truncates a string to `max` characters and appends how many were cut. */
export function bound(value: string, max: number = MAX_FIELD_LENGTH): string {
  if (value.length <= max) {
    return value;
  }
  return `${value.slice(0, max)}…[${value.length - max} more characters]`;
}

/** Like `bound`, for optional values. */
export function boundOptional(value: string | undefined | null, max: number = MAX_FIELD_LENGTH): string | null {
  return typeof value === 'string' ? bound(value, max) : null;
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Quotes one argument for bash or zsh. Plain ids stay as they are, other values are single-quoted,
 * and values with control characters use the `$'…'` form (not available in dash's `sh`) so that
 * the command stays on one line. Characters above U+007F are written as `\uXXXX`, which bash
 * expands to UTF-8.
 */
export function shellQuote(value: string): string {
  if (value.length > 0 && SHELL_SAFE.test(value)) {
    return value;
  }
  if (!CONTROL_CHARACTERS.test(value)) {
    return `'${value.replace(/'/g, `'\\''`)}'`;
  }
  let out = "$'";
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "'" || char === '\\') {
      out += `\\${char}`;
    } else if (CONTROL_CHARACTERS.test(char)) {
      // NOTE: a NUL cannot be passed in a shell argument at all; bash ends the argument there.
      out += code <= 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += char;
    }
  }
  return `${out}'`;
}

/** Replaces control characters (terminal escape sequences, newlines) with visible `\xNN` escapes. */
export function escapeControl(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

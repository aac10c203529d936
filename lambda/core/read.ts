/**
 * Defensive accessors for attacker-controlled JSON. None of them throws, whatever the input.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns `value[key]`, matching the key case-insensitively when no exact key exists. */
export function field(value: unknown, key: string): unknown {
  if (!isObject(value)) {
    return undefined;
  }
  if (Object.prototype.hasOwnProperty.call(value, key)) {
    return value[key];
  }
  const lower = key.toLowerCase();
  for (const candidate of Object.keys(value)) {
    if (candidate.toLowerCase() === lower) {
      return value[candidate];
    }
  }
  return undefined;
}

/** Follows a path of keys; each step matches case-insensitively. */
export function path(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    current = field(current, key);
    if (current === undefined) {
      return undefined;
    }
  }
  return current;
}

/** Returns a string field, or undefined when it is absent or of another type. Numbers are converted. */
export function str(value: unknown, ...keys: string[]): string | undefined {
  const found = keys.length === 0 ? value : path(value, ...keys);
  if (typeof found === 'string') {
    return found;
  }
  if (typeof found === 'number' && Number.isFinite(found)) {
    return String(found);
  }
  return undefined;
}

/** Wraps a single value in an array; `undefined` and `null` give an empty array. */
export function toArray(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** The string members of a value that may be one string or an array of them. */
export function strings(value: unknown): string[] {
  return toArray(value).filter((item): item is string => typeof item === 'string');
}

/**
 * Parses a value that may be a JSON document given as a string (as most services log policies)
 * or already an object. Returns undefined when it is neither.
 */
export function jsonValue(value: unknown): unknown {
  if (typeof value !== 'string') {
    return value;
  }
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// The checks every option goes through: each names the option and the value it got, and says what was expected,
// as an INVALID_OPTIONS error. client/check-options.ts applies them to createSession's and predict's options.
import { TensorlaneError } from '../errors.js';
import { isIntegrity } from '../cache/integrity.js';
import { describe } from '../tensor/dtypes.js';

export function keysOf<K extends string>(table: Record<K, true>): readonly K[] {
  return Object.keys(table) as K[];
}

export function badOption(message: string): TensorlaneError {
  return new TensorlaneError('INVALID_OPTIONS', message);
}

export function checkKeys(options: object, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw badOption(`${what} has no option "${key}"; its options are ${allowed.map((k) => `"${k}"`).join(', ')}`);
    }
  }
}

export function checkOneOf<T>(value: unknown, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined || allowed.includes(value as T)) return value as T | undefined;
  throw badOption(`${name} is ${describe(value)}; expected ${allowed.map((v) => JSON.stringify(v)).join(' | ')}`);
}

export function checkSignal(value: unknown, name: string): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value;
  throw badOption(`${name} is ${describe(value)}; expected an AbortSignal`);
}

export function checkBoolean(value: unknown, name: string, fallback = false): boolean {
  if (value === undefined || typeof value === 'boolean') return value ?? fallback;
  throw badOption(`${name} is ${describe(value)}; expected true or false`);
}

/** A number within `[min, Infinity]`, integral if `integer`; `fallback` when undefined. */
export function checkNumber(value: unknown, name: string, fallback: number, { min = 0, integer = false }: { min?: number; integer?: boolean } = {}): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && value >= min && (integer ? Number.isSafeInteger(value) || value === Infinity : !Number.isNaN(value));
  if (ok) return value;
  throw badOption(`${name} is ${describe(value)}; expected ${integer ? 'an integer' : 'a number'} >= ${min}`);
}

export function checkFunction<T>(value: unknown, name: string, expected: string): T | undefined {
  if (value === undefined || typeof value === 'function') return value as T | undefined;
  throw badOption(`${name} is ${describe(value)}; expected ${expected}`);
}

export function checkObject(value: unknown, what: string): object {
  if (typeof value === 'object' && value !== null) return value;
  throw badOption(`${what} expects an options object, got ${describe(value)}`);
}

export function checkIntegrity(value: unknown, name: string): string | undefined {
  if (value === undefined || isIntegrity(value)) return value;
  throw badOption(`${name} is ${describe(value)}; expected an SRI sha256 digest, 'sha256-' and 44 base64 characters`);
}

/**
 * Assertions for tests. JSR (and so @std/assert) cannot be reached from our
 * machines, and node:assert's messages are poorer, so the few we need live here.
 *
 * @module
 */

/** Raised by the assertions below. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

/** Throws unless `cond` is truthy. */
export function assert(cond: unknown, msg = "Assertion failed"): asserts cond {
  if (!cond) throw new AssertionError(msg);
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Deep equality through JSON form (numbers, strings, arrays, plain objects). */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  const a = show(actual), e = show(expected);
  if (a !== e) throw new AssertionError(`${msg ? msg + ": " : ""}expected ${e}, got ${a}`);
}

/** Throws unless `actual < limit`. */
export function assertLess(actual: number, limit: number, msg?: string): void {
  if (!(actual < limit)) throw new AssertionError(`${msg ? msg + ": " : ""}expected < ${limit}, got ${actual}`);
}

/** Throws unless |actual - expected| <= tol. */
export function assertAlmostEquals(actual: number, expected: number, tol = 1e-7, msg?: string): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new AssertionError(`${msg ? msg + ": " : ""}expected ${expected} ± ${tol}, got ${actual}`);
  }
}

/** Throws unless `fn` throws an error of `ErrorClass` whose message includes `includes`. */
export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: new (...args: any[]) => Error,
  includes?: string,
): Error {
  try {
    fn();
  } catch (e) {
    check(e, ErrorClass, includes);
    return e as Error;
  }
  throw new AssertionError("Expected function to throw");
}

/** Async {@link assertThrows}. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: new (...args: any[]) => Error,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    check(e, ErrorClass, includes);
    return e as Error;
  }
  throw new AssertionError("Expected promise to reject");
}

// deno-lint-ignore no-explicit-any
function check(e: unknown, ErrorClass?: new (...args: any[]) => Error, includes?: string) {
  if (ErrorClass && !(e instanceof ErrorClass)) {
    throw new AssertionError(`Expected ${ErrorClass.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  if (includes && !(e as Error).message.includes(includes)) {
    throw new AssertionError(`Expected message to include "${includes}", got "${(e as Error).message}"`);
  }
}

/** ‖a − b‖ / ‖b‖ (2-norms), for comparing float results computed in another order. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / (den || 1));
}

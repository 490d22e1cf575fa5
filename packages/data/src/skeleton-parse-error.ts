/**
 * A `.skeleton` file that does not follow the format: names the file, the 1-based line, what was
 * expected and what was found. `message` reads `file:line: expected X, found Y`.
 */
export class SkeletonParseError extends Error {
  override name = 'SkeletonParseError';

  constructor(
    /** File or sample name given to the parser. */
    readonly file: string,
    /** 1-based line number of the offending token (the last line when the file ends too early). */
    readonly line: number,
    /** What the format requires at that point. */
    readonly expected: string,
    /** What is there instead: a short quoted excerpt, or `end of file`. */
    readonly found: string,
  ) {
    super(`${file}:${line}: expected ${expected}, found ${found}`);
  }
}

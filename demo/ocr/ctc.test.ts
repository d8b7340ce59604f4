import { describe, expect, it } from 'vitest';
import { ctcDecode, parseDictionary } from './ctc.ts';

/** Probabilities [steps, classes] where each step puts `p` on its class and spreads the rest evenly. */
function steps(classes: number, path: readonly number[], p = 0.8): Float32Array {
  const out = new Float32Array(path.length * classes).fill((1 - p) / (classes - 1));
  path.forEach((c, t) => (out[t * classes + c] = p));
  return out;
}

describe('ctcDecode', () => {
  const dictionary = ['a', 'b', 'c'];
  const classes = dictionary.length + 2; // blank, a, b, c, space

  it('should merge repeats and drop blanks when decoding a path', () => {
    // blank a a blank a b space c c -> "aab c"
    const decoded = ctcDecode(steps(classes, [0, 1, 1, 0, 1, 2, 4, 3, 3]), 9, classes, dictionary);
    expect(decoded.text).toBe('aab c');
    expect(decoded.confidence).toBeCloseTo(0.8, 6);
  });

  it('should return empty text with confidence 0 when every step is blank', () => {
    expect(ctcDecode(steps(classes, [0, 0, 0]), 3, classes, dictionary)).toEqual({ text: '', confidence: 0 });
  });
});

describe('parseDictionary', () => {
  it('should keep a space line and ignore a trailing newline when reading the file', () => {
    expect(parseDictionary('a\n \nb\n')).toEqual(['a', ' ', 'b']);
  });
});

// Greedy CTC decoding of PaddleOCR's recognizer output: per time step the most likely class; repeats merged, blanks
// dropped. Classes: 0 is the CTC blank, 1..n the dictionary's characters in file order, n + 1 a space.

/** A recognised line: its text and the mean probability of the characters kept. */
export interface Decoded {
  readonly text: string;
  readonly confidence: number;
}

/**
 * Decodes one line from `probabilities`, laid out [steps, classes].
 * @param dictionary - the characters, one per class from class 1 (ppocr_keys_v1.txt's lines).
 */
export function ctcDecode(probabilities: Float32Array, steps: number, classes: number, dictionary: readonly string[]): Decoded {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let best = 0;
    let bestP = probabilities[row]!;
    for (let c = 1; c < classes; c++) {
      const p = probabilities[row + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += best <= dictionary.length ? dictionary[best - 1] : ' ';
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept === 0 ? 0 : sum / kept };
}

/** The dictionary file's characters: one per line (the file has no trailing newline; a trailing one is ignored). */
export function parseDictionary(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

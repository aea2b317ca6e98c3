// The text-splitter's work, shared by the sluice and the hand-written kafkajs variants so both do
// exactly the same thing per message.

/** A joke as written to the benchmark's input topic. */
export interface BenchJoke {
  id: number;
  category: string;
  text: string;
}

/** One output record. */
export interface WordRecord {
  word: string;
  joke_id: number;
}

const NOT_WORD = /[^\p{L}\p{N}\s']/gu;
const SPACES = /\s+/;
const EDGE_QUOTES = /^'+|'+$/g;

/**
 * Lowercase words of a text, punctuation stripped (apostrophes inside words kept).
 *
 * @example
 * ```ts
 * splitWords("It's a cat, isn't it?"); // ["it's", 'a', 'cat', "isn't", 'it']
 * ```
 */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().replace(NOT_WORD, ' ').split(SPACES)) {
    const w = raw.replace(EDGE_QUOTES, '');
    if (w.length > 0) out.push(w);
  }
  return out;
}

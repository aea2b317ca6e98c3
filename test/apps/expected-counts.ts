// Word counts of data/jokes.json computed here, independently of the apps' own code.
import { readFileSync } from 'node:fs';

export interface JokeRow {
  id: number;
  category: string;
  text: string;
}

export function readJokesFile(): JokeRow[] {
  return JSON.parse(readFileSync(new URL('../../data/jokes.json', import.meta.url), 'utf8')) as JokeRow[];
}

/** Lowercased tokens of letters, digits and inner apostrophes. */
export function wordsOf(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[\s.,!?;:"()\-]+/)) {
    const word = raw.replace(/[^a-z0-9']/g, '').replace(/^'+/, '').replace(/'+$/, '');
    if (word !== '') out.push(word);
  }
  return out;
}

export function expectedWordCounts(jokes: JokeRow[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const joke of jokes) for (const word of wordsOf(joke.text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

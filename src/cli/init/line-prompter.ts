import * as readline from 'node:readline';
import type { Readable } from 'node:stream';

/** Asks one question with numbered choices; resolves to the answer line, or undefined at end of input. */
export type Prompter = (question: string) => Promise<string | undefined>;

/** A prompter and the function that releases its input. */
export interface LinePrompter {
  /** Writes the question, then waits for the next line of input. */
  readonly ask: Prompter;
  /** Stops reading the input. */
  close(): void;
}

/**
 * Reads answers line by line from `input` (a terminal, or a pipe: `printf 'oathkeeper\\n' | gatewright init`).
 * Lines are queued as they arrive, because readline reads a pipe ahead of the questions and a
 * line emitted before its question would otherwise be lost.
 */
export function linePrompter(input: Readable, write: (text: string) => void): LinePrompter {
  const rl = readline.createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let closed = false;
  rl.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    closed = true;
    for (const w of waiting.splice(0)) w(undefined);
  });
  return {
    ask(question) {
      write(question);
      if (lines.length) return Promise.resolve(lines.shift());
      if (closed) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => rl.close(),
  };
}

/**
 * Readable, uncoloured output: the walk-through is read in a terminal, pasted
 * into issues and asserted on by a test.
 */
export class Narrator {
  private steps = 0;

  constructor(private readonly write: (line: string) => void = (line) => console.log(line)) {}

  title(text: string): void {
    this.write(text);
    this.write('='.repeat(text.length));
  }

  step(text: string): void {
    this.steps += 1;
    this.write('');
    this.write(`${this.steps}. ${text}`);
  }

  line(text: string): void {
    this.write(`   ${text}`);
  }
}

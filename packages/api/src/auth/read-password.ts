// Reads a password for a command-line tool without it ever being an argument: asked for twice with
// no echo on a terminal, otherwise the first line of stdin (for scripts and pipes).
import readline from "node:readline";

export async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const first = await askHidden(prompt);
  const again = await askHidden("Repeat the password: ");
  if (first !== again) throw new Error("The two passwords differ.");
  return first;
}

async function firstLineOfStdin(): Promise<string> {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return "";
  } finally {
    lines.close();
  }
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Echo nothing of what is typed; the prompt itself is written before muting.
    process.stderr.write(prompt);
    (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => {};
    rl.question("", (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
  });
}

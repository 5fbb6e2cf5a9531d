/**
 * The runnable parts of a Markdown page, so that docs are tests: files (fenced code with a
 * title="name" attribute), the `npx splitsim …` commands of its sh blocks (with the output line
 * a `# → …` comment promises), and output blocks (```text output="command").
 */
export interface DocFile {
  name: string;
  code: string;
}

export interface DocCommand {
  /** Arguments after `npx splitsim`. */
  args: string[];
  /** A line the command's output must contain. */
  expect?: string;
}

const FENCE = /^```(\S*)([^\n]*)\n([\s\S]*?)^```$/gm;

function blocks(md: string): Array<{ lang: string; info: string; body: string }> {
  return [...md.matchAll(FENCE)].map((m) => ({ lang: m[1]!, info: m[2]!, body: m[3]! }));
}

export function docFiles(md: string): DocFile[] {
  return blocks(md).flatMap((b) => {
    const title = /title="([^"]+)"/.exec(b.info);
    return title ? [{ name: title[1]!, code: b.body }] : [];
  });
}

export function docCommands(md: string): DocCommand[] {
  return blocks(md)
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.body.split('\n'))
    .filter((line) => line.startsWith('npx splitsim '))
    .map((line) => {
      const [command, comment] = line.split(/\s+#\s*/, 2) as [string, string | undefined];
      const c: DocCommand = { args: command.trim().split(/\s+/).slice(2) };
      if (comment?.startsWith('→ ')) c.expect = comment.slice(2);
      return c;
    });
}

export function docOutputs(md: string): Array<{ args: string[]; lines: string[] }> {
  return blocks(md).flatMap((b) => {
    const output = /output="npx splitsim ([^"]+)"/.exec(b.info);
    return output ? [{ args: output[1]!.split(/\s+/), lines: b.body.split('\n').filter((l) => l.trim() !== '') }] : [];
  });
}

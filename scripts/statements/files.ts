import { globSync } from "glob";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Queries } from "../../packages/core/src/db/queries";
import { compile } from "./compile";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The modules whose `queries` `npm run db:statements` compiles, each beside its `*.statements.ts`. */
export const queryModules = () => globSync("packages/core/src/**/*.queries.ts", { cwd: repoRoot, absolute: true }).sort();

const quoted = (text: string) => JSON.stringify(text);
/** SQL as a template literal, so that its quoted identifiers and line breaks read as they are. */
const sqlLiteral = (text: string) => `\`${text.replace(/[\\`]|\$\{/g, (special) => `\\${special}`)}\``;

/** The `*.statements.ts` module of `queryModule`, as text. */
export async function statementsModule(queryModule: string): Promise<{ path: string; text: string }> {
  const { queries } = (await import(pathToFileURL(queryModule).href)) as { queries: Queries };
  const source = queryModule.split("/").pop()!;
  const lines = [
    `// Compiled by \`npm run db:statements\` from ./${source}: change the statements there, not here.`,
    `import type { Statement } from "${relativeDatabaseModule(queryModule)}";`,
  ];
  for (const [name, query] of Object.entries(queries)) {
    const { text, params } = compile(name, query);
    lines.push(
      "",
      `export const ${name} = {`,
      `  text: ${sqlLiteral(text)},`,
      `  params: [${params.map(quoted).join(", ")}],`,
      `} as const satisfies Statement;`,
    );
  }
  return { path: queryModule.replace(/\.queries\.ts$/, ".statements.ts"), text: `${lines.join("\n")}\n` };
}

/** "../db/database" from packages/core/src/data/, "./database" from packages/core/src/db/. */
function relativeDatabaseModule(queryModule: string): string {
  const depth = queryModule.slice(`${repoRoot}packages/core/src/`.length).split("/").length - 1;
  return depth === 0 ? "./db/database" : `${"../".repeat(depth)}db/database`;
}

/** What `npm run db:statements` writes, built in memory. */
export const generatedFiles = () => Promise.all(queryModules().map(statementsModule));

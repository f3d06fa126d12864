import * as path from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { importedSpecifiers, readSource, REPO_ROOT, typeScriptFilesUnder } from '../support/source-files';

/**
 * STYLE.md: "every example in the README is a file under `examples/` that CI synthesizes".
 * So: every example file the README links is one `main.ts` synthesizes (through
 * `examples/index.ts`), every TypeScript snippet sits in a section that links its example,
 * and every snippet type-checks against the real public API — a renamed prop or export
 * breaks this test instead of silently rotting the README.
 */

interface Snippet {
  /** 1-based README line of the snippet's first code line. */
  readonly line: number;
  readonly code: string;
  /** Root-relative example files linked in the snippet's `##` section. */
  readonly examples: readonly string[];
}

const README = readSource('README.md');

function readmeSnippets(): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = README.split('\n');
  let sectionStart = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('## ')) sectionStart = i;
    if (lines[i].trim() !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    let sectionEnd = lines.findIndex((l, j) => j > i && l.startsWith('## '));
    if (sectionEnd < 0) sectionEnd = lines.length;
    const section = lines.slice(sectionStart, sectionEnd).join('\n');
    snippets.push({ line: i + 2, code: lines.slice(i + 1, end).join('\n'), examples: linkedExamples(section) });
    i = end;
  }
  return snippets;
}

function linkedExamples(markdown: string): string[] {
  // Links are absolute (the README ships in the npm package, where examples/ does not).
  return [...new Set([...markdown.matchAll(/\]\((?:https:\/\/github\.com\/gatewright\/gatewright\/blob\/main\/)?(examples\/[\w-]+\.ts)\)/g)].map((m) => m[1]))];
}

/** Variables a snippet may use without declaring them: the scaffolding every example has. */
const CONTEXT = `import { App, Chart } from 'cdk8s';
import type { IGateway } from '../../src';
declare const app: App;
declare const chart: Chart;
declare const gateway: IGateway;
`;

const COMPILER_OPTIONS: ts.CompilerOptions = {
  ...ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, REPO_ROOT).options,
  noEmit: true,
  // The generated import lists name every export; unused ones are expected.
  noUnusedLocals: false,
};

/** The value and type names a module exports, read with the real compiler. */
function exportedNames(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path.join(REPO_ROOT, file));
  const symbol = source && checker.getSymbolAtLocation(source);
  if (!symbol) throw new Error(`${file} is not a module`);
  return checker.getExportsOfModule(symbol).map((s) => s.name);
}

/**
 * One virtual file per snippet, in `test/examples/` so relative imports resolve: the context,
 * every export of the package entry point, every further export of the section's examples,
 * then the snippet as the body of a function (its names cannot clash with the imports).
 */
function snippetFile(snippet: Snippet, apiNames: readonly string[], exampleNames: ReadonlyMap<string, readonly string[]>): string {
  const taken = new Set([...apiNames, 'App', 'Chart', 'IGateway']);
  const imports = snippet.examples.map((example) => {
    const names = (exampleNames.get(example) ?? []).filter((n) => !taken.has(n));
    names.forEach((n) => taken.add(n));
    return `import { ${names.join(', ')} } from '../../${example.replace(/\.ts$/, '')}';`;
  });
  const api = apiNames.filter((n) => n !== 'IGateway');
  const header = [`import { ${api.join(', ')} } from '../../src';`, ...imports, CONTEXT, 'export function readmeSnippet(): void {'].join('\n');
  return `${header}\n${snippet.code}\n}\n`;
}

/** The `## Constructs` table: first cell and second cell of every row. */
function constructsTable(): { what: string; description: string }[] {
  const section = README.slice(README.indexOf('## Constructs\n'));
  const body = section.slice(0, section.indexOf('\n## ', 1));
  return body
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split(' | '))
    .map(([what, description]) => ({ what: what.replace(/^\| /, ''), description }));
}

/** Backquoted spans of a markdown cell. */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

/** `ClientAuth.jwt / apiKey / none` → ClientAuth.jwt, ClientAuth.apiKey, ClientAuth.none; `.fromX(name)` spans are skipped. */
function namedApi(span: string): string[] {
  if (span.startsWith('.')) return [];
  const [first, ...more] = span.split(' / ').map((s) => s.replace(/\(.*$/, '').trim());
  const owner = first.split('.')[0];
  return [first, ...more.map((m) => `${owner}.${m}`)];
}

describe('README examples (STYLE.md)', () => {
  const snippets = readmeSnippets();
  const entry = 'src/index.ts';
  const exampleFiles = [...new Set(snippets.flatMap((s) => s.examples))];
  let baseProgram: ts.Program | undefined;
  const base = () => (baseProgram ??= ts.createProgram([entry, ...exampleFiles].map((f) => path.join(REPO_ROOT, f)), COMPILER_OPTIONS));

  it('has TypeScript snippets, each in a section that links its example file', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(4);
    for (const s of snippets) expect(s.examples, `README.md:${s.line} is not in a section linking examples/*.ts`).not.toEqual([]);
  });

  it('links only example files that main.ts synthesizes (through examples/index.ts)', () => {
    expect(readSource('main.ts')).toContain("from './examples'");
    const registered = importedSpecifiers('examples/index.ts', readSource('examples/index.ts')).filter((s) => s.startsWith('./'));
    const linked = linkedExamples(README);
    expect(linked.length).toBeGreaterThan(0);
    for (const file of linked) expect(registered, `${file} is linked from the README`).toContain(`./${path.basename(file, '.ts')}`);
  });

  it('registers every example file in examples/index.ts, so main.ts synthesizes all of them', () => {
    const registered = importedSpecifiers('examples/index.ts', readSource('examples/index.ts'));
    const files = typeScriptFilesUnder('examples').filter((f) => f !== 'examples/index.ts');
    expect(files.filter((f) => !registered.includes(`./${path.basename(f, '.ts')}`))).toEqual([]);
  });

  it('every TypeScript snippet type-checks against the real API', () => {
    const apiNames = exportedNames(base(), entry);
    const exampleNames = new Map(exampleFiles.map((f) => [f, exportedNames(base(), f)]));

    const virtual = new Map(snippets.map((s, i) => [path.join(REPO_ROOT, 'test/examples', `readme-snippet-${i}.ts`), snippetFile(s, apiNames, exampleNames)]));
    const host = ts.createCompilerHost(COMPILER_OPTIONS);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
    host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
    host.getSourceFile = (f, languageVersion, ...rest) =>
      virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!, languageVersion, true) : getSourceFile.call(host, f, languageVersion, ...rest);
    const program = ts.createProgram([...virtual.keys()], COMPILER_OPTIONS, host, base());

    const problems = [...virtual.keys()].flatMap((file, i) => {
      const source = program.getSourceFile(file)!;
      const bodyStart = virtual.get(file)!.split('\n').findIndex((l) => l.startsWith('export function readmeSnippet')) + 1;
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
        const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
        return `README.md:${snippets[i].line + line - bodyStart}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    });
    expect(problems).toEqual([]);
  }, 60_000);

  it('names in the constructs table are real exports and static factories', () => {
    const checker = base().getTypeChecker();
    const module = checker.getSymbolAtLocation(base().getSourceFile(path.join(REPO_ROOT, entry))!)!;
    const exports = new Map(checker.getExportsOfModule(module).map((s) => [s.name, s]));
    const named = constructsTable().flatMap((row) => codeSpans(row.what).flatMap(namedApi));
    expect(named.length).toBeGreaterThan(20);
    const missing = named.filter((name) => {
      const [owner, member] = name.split('.');
      const symbol = exports.get(owner);
      if (!symbol) return true;
      if (!member) return false;
      const resolved = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return !checker.getTypeOfSymbol(resolved).getProperty(member);
    });
    expect(missing).toEqual([]);
  });

  it('lists exactly the props of SecuredApi in its table row', () => {
    const checker = base().getTypeChecker();
    const module = checker.getSymbolAtLocation(base().getSourceFile(path.join(REPO_ROOT, entry))!)!;
    const propsSymbol = checker.getExportsOfModule(module).find((s) => s.name === 'SecuredApiProps')!;
    const resolved = propsSymbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(propsSymbol) : propsSymbol;
    const props = checker.getDeclaredTypeOfSymbol(resolved).getProperties().map((p) => p.name).sort();
    const row = constructsTable().find((r) => r.what === '`SecuredApi`')!;
    expect(codeSpans(row.description).sort()).toEqual(props);
  });
});

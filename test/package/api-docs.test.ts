import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every symbol a user can import from the package — and every member of its classes,
 * interfaces and enums — has a documentation comment, so the TypeDoc reference (`npm run docs`)
 * and editor hovers say what it is: the rule of TypeDoc's `notDocumented` validation, checked on
 * the sources alone (no type checker, so the Pulumi SDK's declarations are never loaded).
 * `gatewright/model` is left out: its zod schemas expand into types no comment can reach.
 */
const ROOT = path.resolve(__dirname, '../..');
const ENTRY_POINTS = ['src/index.ts', 'src/report/index.ts', 'src/pulumi/index.ts', 'src/pulumi/aws/index.ts'];

const sources = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let sf = sources.get(file);
  if (!sf) {
    sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    sources.set(file, sf);
  }
  return sf;
}

/** `./x` from `from` → the .ts file (x.ts or x/index.ts). */
function resolveRelative(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`cannot resolve ${spec} from ${from}`);
}

const isExported = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const nameOf = (n: ts.Node) => ((n as ts.NamedDeclaration).name as ts.Identifier | undefined)?.text;

/** The declarations a module makes public, following `export *` and `export { … } from` (relative only). */
function exportedDeclarations(file: string, wanted?: Set<string>, seen = new Set<string>()): { name: string; decl: ts.Node }[] {
  const key = `${file}|${wanted ? [...wanted].join(',') : '*'}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const out: { name: string; decl: ts.Node }[] = [];
  for (const st of parse(file).statements) {
    if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      if (!st.moduleSpecifier.text.startsWith('.')) continue;
      const target = resolveRelative(file, st.moduleSpecifier.text);
      if (!st.exportClause) {
        out.push(...exportedDeclarations(target, wanted, seen));
      } else if (ts.isNamedExports(st.exportClause)) {
        const names = st.exportClause.elements.map((e) => (e.propertyName ?? e.name).text).filter((n) => !wanted || wanted.has(n));
        if (names.length) out.push(...exportedDeclarations(target, new Set(names), seen));
      }
      continue;
    }
    if (!isExported(st)) continue;
    const decls = ts.isVariableStatement(st) ? st.declarationList.declarations.map((d) => ({ name: (d.name as ts.Identifier).text, decl: d as ts.Node })) : [{ name: nameOf(st) ?? '', decl: st as ts.Node }];
    out.push(...decls.filter((d) => d.name && (!wanted || wanted.has(d.name))));
  }
  return out;
}

function hasDoc(node: ts.Node): boolean {
  return ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc).some((d) => (ts.getTextOfJSDocComment(d.comment) ?? '').trim() !== '');
}
const isInternal = (node: ts.Node) => ts.getJSDocTags(node).some((t) => t.tagName.text === 'internal');

/** Interfaces and classes of the sources by name, for members documented where they are declared first. */
function typesByName(): Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration> {
  const byName = new Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>();
  for (const sf of sources.values()) for (const st of sf.statements) if ((ts.isInterfaceDeclaration(st) || ts.isClassDeclaration(st)) && st.name) byName.set(st.name.text, st);
  return byName;
}

/** A class member documented on the interface or base class it implements (TypeDoc copies that comment). */
function documentedUpstream(owner: ts.Node, member: string, types: Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>): boolean {
  if (!ts.isClassDeclaration(owner) && !ts.isInterfaceDeclaration(owner)) return false;
  for (const clause of owner.heritageClauses ?? []) {
    for (const t of clause.types) {
      const parent = types.get(t.expression.getText().split('.').pop()!);
      const m = parent?.members.find((x) => nameOf(x) === member);
      if (m && (hasDoc(m) || documentedUpstream(parent!, member, types))) return true;
    }
  }
  return false;
}

function memberGaps(owner: string, members: readonly ts.Node[], types: Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>): string[] {
  const gaps: string[] = [];
  for (const m of members) {
    if (ts.isConstructorDeclaration(m) || ts.isIndexSignatureDeclaration(m) || ts.isClassStaticBlockDeclaration(m) || ts.isSemicolonClassElement(m)) continue;
    const name = nameOf(m) ?? (m as ts.NamedDeclaration).name?.getText();
    if (!name || name.startsWith('_') || name.startsWith('#') || isInternal(m)) continue;
    const modifiers = ts.canHaveModifiers(m) ? (ts.getModifiers(m) ?? []) : [];
    if (modifiers.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
    if (!hasDoc(m) && !documentedUpstream(m.parent, name, types)) gaps.push(`${owner}.${name}`);
    const type = (m as ts.PropertySignature).type;
    if (type && ts.isTypeLiteralNode(type)) gaps.push(...memberGaps(`${owner}.${name}`, type.members, types));
  }
  return gaps;
}

describe('API documentation', () => {
  it('documents every exported symbol and member of gatewright, gatewright/report, gatewright/pulumi and gatewright/pulumi/aws', () => {
    const exported = ENTRY_POINTS.flatMap((e) => exportedDeclarations(path.join(ROOT, e)));
    const types = typesByName();
    const gaps = new Set<string>();
    for (const { name, decl } of exported) {
      if (isInternal(decl)) continue;
      const where = path.relative(ROOT, decl.getSourceFile().fileName);
      if (!hasDoc(decl)) gaps.add(`${where}: ${name}`);
      const members = ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl) || ts.isEnumDeclaration(decl) ? decl.members : ts.isTypeAliasDeclaration(decl) && ts.isTypeLiteralNode(decl.type) ? decl.type.members : undefined;
      if (members) for (const g of memberGaps(name, members, types)) gaps.add(`${where}: ${g}`);
    }
    expect(exported.length).toBeGreaterThan(150);
    expect([...gaps].sort()).toEqual([]);
  });
});

import * as path from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every symbol a user can import from the package — and every member of its classes,
 * interfaces and enums — has a documentation comment, so the TypeDoc reference (`npm run docs`)
 * and editor hovers say what it is. The same rule TypeDoc's `notDocumented` validation applies,
 * checked here with the compiler in a few seconds instead of a full TypeDoc run.
 * `gatewright/model` is left out: its zod schemas expand into types no comment can reach.
 */
const ROOT = path.resolve(__dirname, '../..');
const ENTRY_POINTS = ['src/index.ts', 'src/report/index.ts', 'src/pulumi/index.ts', 'src/pulumi/aws/index.ts'];

function hasDoc(node: ts.Node): boolean {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  return docs.some((d) => (ts.getTextOfJSDocComment(d.comment) ?? '').trim() !== '');
}
const isInternal = (node: ts.Node) => ts.getJSDocTags(node).some((t) => t.tagName.text === 'internal');
const inSources = (node: ts.Node) => !node.getSourceFile().fileName.includes('/node_modules/');

/**
 * True when a class member takes its documentation from the interface or base class it
 * implements (TypeDoc copies it, as editors show it): `readonly engine` of every gateway is
 * documented once, on IGateway.
 */
function documentedUpstream(checker: ts.TypeChecker, owner: ts.Node, name: string): boolean {
  if (!ts.isClassDeclaration(owner)) return false;
  for (const clause of owner.heritageClauses ?? []) {
    for (const t of clause.types) {
      const member = checker.getTypeAtLocation(t).getProperty(name);
      if (member?.declarations?.some(hasDoc)) return true;
    }
  }
  return false;
}

/** Undocumented members of a class, interface, enum or object type, as `Owner.member`. */
function memberGaps(owner: string, members: readonly ts.Node[], checker?: ts.TypeChecker): string[] {
  const gaps: string[] = [];
  for (const m of members) {
    if (ts.isConstructorDeclaration(m) || ts.isIndexSignatureDeclaration(m) || ts.isClassStaticBlockDeclaration(m) || ts.isSemicolonClassElement(m)) continue;
    const name = (m as ts.NamedDeclaration).name?.getText();
    if (!name || name.startsWith('_') || name.startsWith('#') || isInternal(m)) continue;
    const modifiers = ts.canHaveModifiers(m) ? (ts.getModifiers(m) ?? []) : [];
    if (modifiers.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
    if (!hasDoc(m) && !(checker && documentedUpstream(checker, m.parent, name))) gaps.push(`${owner}.${name}`);
    const type = (m as ts.PropertySignature).type;
    if (type && ts.isTypeLiteralNode(type)) gaps.push(...memberGaps(`${owner}.${name}`, type.members));
  }
  return gaps;
}

function declarationGaps(name: string, decl: ts.Declaration, checker: ts.TypeChecker): string[] {
  if (!inSources(decl) || isInternal(decl)) return [];
  const gaps = hasDoc(decl) ? [] : [name];
  if (ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl) || ts.isEnumDeclaration(decl)) gaps.push(...memberGaps(name, decl.members, checker));
  if (ts.isTypeAliasDeclaration(decl) && ts.isTypeLiteralNode(decl.type)) gaps.push(...memberGaps(name, decl.type.members));
  return gaps;
}

describe('API documentation', () => {
  it('documents every exported symbol and member of gatewright, gatewright/report, gatewright/pulumi and gatewright/pulumi/aws', () => {
    const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(ROOT, 'tsconfig.build.json'), ts.sys.readFile).config, ts.sys, ROOT);
    const program = ts.createProgram(ENTRY_POINTS.map((e) => path.join(ROOT, e)), { ...config.options, noEmit: true });
    const checker = program.getTypeChecker();
    const gaps = new Set<string>();
    let checked = 0;
    for (const entry of ENTRY_POINTS) {
      const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, entry))!)!;
      for (const exported of checker.getExportsOfModule(moduleSymbol)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        for (const decl of symbol.declarations ?? []) {
          checked++;
          for (const g of declarationGaps(exported.name, decl, checker)) gaps.add(`${path.relative(ROOT, decl.getSourceFile().fileName)}: ${g}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(150);
    expect([...gaps].sort()).toEqual([]);
  }, 60_000);
});

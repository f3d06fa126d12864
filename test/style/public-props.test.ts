import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { readSource, typeScriptFilesUnder } from '../support/source-files';

/**
 * STYLE.md (cdk8s-plus): every prop of a public props interface is `readonly`, documented,
 * and every optional prop states its default (`@default 443`, or `@default - <behaviour>`). Users read
 * these in their editor's hover; an undocumented default is a default they guess.
 *
 * Checked: every exported interface (and exported object-type alias) in the folders below has
 * a description, and so has every property, including the members of inline object types.
 * Skipped: interfaces and members tagged `@internal`, and `_`-prefixed members.
 */
const PUBLIC_API_FOLDERS = ['src/constructs', 'src/pulumi', 'src/report'];

/** One line per gap: `file:line Interface.prop: what is missing`. */
export function propDocGaps(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const gaps: string[] = [];

  const checkMembers = (owner: string, members: ts.NodeArray<ts.TypeElement>) => {
    for (const member of members) {
      if (!ts.isPropertySignature(member)) continue;
      const name = member.name.getText(source);
      if (name.startsWith('_') || hasTag(member, 'internal')) continue;
      const where = `${file}:${source.getLineAndCharacterOfPosition(member.name.getStart(source)).line + 1} ${owner}.${name}`;
      if (!(ts.getModifiers(member) ?? []).some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword)) gaps.push(`${where}: not readonly`);
      if (!description(member)) gaps.push(`${where}: no JSDoc description`);
      if (member.questionToken && !tagText(member, 'default')) gaps.push(`${where}: optional without @default`);
      if (member.type && ts.isTypeLiteralNode(member.type)) checkMembers(`${owner}.${name}`, member.type.members);
    }
  };

  for (const statement of source.statements) {
    if (!isExported(statement) || hasTag(statement, 'internal')) continue;
    const shape = ts.isInterfaceDeclaration(statement)
      ? statement.members
      : ts.isTypeAliasDeclaration(statement) && ts.isTypeLiteralNode(statement.type)
        ? statement.type.members
        : undefined;
    if (!shape) continue;
    const name = (statement as ts.InterfaceDeclaration | ts.TypeAliasDeclaration).name;
    if (!description(statement)) gaps.push(`${file}:${source.getLineAndCharacterOfPosition(name.getStart(source)).line + 1} ${name.text}: no JSDoc description`);
    checkMembers(name.text, shape);
  }
  return gaps;
}

function isExported(node: ts.Statement): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** The JSDoc block written directly above `node` (the last one, if several). */
function jsDocOf(node: ts.Node): ts.JSDoc | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  return docs[docs.length - 1];
}

function description(node: ts.Node): string {
  return (ts.getTextOfJSDocComment(jsDocOf(node)?.comment) ?? '').trim();
}

function hasTag(node: ts.Node, tag: string): boolean {
  return (jsDocOf(node)?.tags ?? []).some((t) => t.tagName.text === tag);
}

function tagText(node: ts.Node, tag: string): string {
  const found = (jsDocOf(node)?.tags ?? []).find((t) => t.tagName.text === tag);
  return (ts.getTextOfJSDocComment(found?.comment) ?? '').trim();
}

describe('public props are documented (STYLE.md)', () => {
  it('finds every kind of gap the rule names (the checker itself works)', () => {
    const fixture = [
      '/** Props. */',
      'export interface FooProps {',
      '  /** Documented and required. */',
      '  readonly ok: string;',
      '  bare: string;',
      '  /** Optional but silent about its default. */',
      '  readonly noDefault?: number;',
      '  /** @default 3 */',
      '  readonly onlyDefault?: number;',
      '  /**',
      '   * Nested shape.',
      '   * @default - none',
      '   */',
      '  readonly nested?: { readonly inner?: string };',
      '  /** @internal */',
      '  readonly hidden?: string;',
      '}',
      '/** @internal */',
      'export interface InternalProps { readonly x?: string }',
      'interface NotExported { readonly y?: string }',
    ].join('\n');
    expect(propDocGaps('fixture.ts', `${fixture}\nexport interface Silent {\n  /** Documented. */\n  readonly a: string;\n}`)).toEqual([
      'fixture.ts:5 FooProps.bare: not readonly',
      'fixture.ts:5 FooProps.bare: no JSDoc description',
      'fixture.ts:7 FooProps.noDefault: optional without @default',
      'fixture.ts:9 FooProps.onlyDefault: no JSDoc description',
      'fixture.ts:14 FooProps.nested.inner: no JSDoc description',
      'fixture.ts:14 FooProps.nested.inner: optional without @default',
      'fixture.ts:21 Silent: no JSDoc description',
    ]);
  });

  it('every exported interface in src/constructs and src/pulumi and each of its properties has JSDoc, every prop is readonly, every optional one states its @default', () => {
    const files = PUBLIC_API_FOLDERS.flatMap(typeScriptFilesUnder);
    expect(files.length).toBeGreaterThan(10);
    const gaps = files.flatMap((f) => propDocGaps(f, readSource(f)));
    expect(gaps, `undocumented public props:\n${gaps.join('\n')}`).toEqual([]);
  });
});

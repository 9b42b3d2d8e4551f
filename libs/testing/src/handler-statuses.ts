import { dirname, sep } from 'node:path';
import type * as TS from 'typescript';

export interface HandlerStatuses {
  /** HTTP statuses the handler can answer: problems it throws (directly or through what it calls) and statuses it sets. */
  readonly statuses: ReadonlySet<number>;
  /** Problems thrown with a status the analysis cannot tell (file:line and the expression). */
  readonly unresolved: readonly string[];
}

export interface HandlerStatusOptions {
  /** The tsconfig whose compiler options (paths) resolve the workspace's imports. */
  readonly tsconfig: string;
  /** Files from which every handler is reachable, for example the service's module. */
  readonly rootFiles: readonly string[];
  /** The handlers to analyse, as `Controller.method`. */
  readonly handlers: readonly string[];
  /** The class whose first constructor argument is the status of an error answer. */
  readonly problemClass?: string;
  /**
   * The only packages of node_modules whose types are read (for enums such
   * as HttpStatus); the others' imports are left unresolved, which makes
   * the program a few times faster to build. Their code is never followed.
   */
  readonly typePackages?: readonly string[];
}

/**
 * What statuses each route handler can answer, read from the source with the
 * TypeScript checker: every `new ProblemException(status, ...)` in the
 * handler or in any workspace function or method it calls (transitively,
 * calls resolved by type), and every `.status(code)` the handler itself
 * sets on a reply it writes. A status is a literal, an enum member, a
 * conditional or a variable of those, or anything whose type is a union of
 * number literals. Code in node_modules is not followed.
 *
 * It over-approximates (a call counts even on a branch that cannot throw),
 * which is the right side for documentation: every status found must be
 * described. TypeScript is loaded only when this runs.
 */
export async function handlerStatuses(options: HandlerStatusOptions): Promise<Map<string, HandlerStatuses>> {
  const ts = (await import('typescript')).default;
  const problemClass = options.problemClass ?? 'ProblemException';
  const config = ts.readConfigFile(options.tsconfig, (path) => ts.sys.readFile(path));
  if (config.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(options.tsconfig));
  const compilerOptions: TS.CompilerOptions = { ...parsed.options, noEmit: true, types: [] };
  const host = ts.createCompilerHost(compilerOptions);
  const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (name) => host.getCanonicalFileName(name), compilerOptions);
  const typePackages = (options.typePackages ?? ['@nestjs/common']).map((name) => `/node_modules/${name}/`);
  const readable = (file: string): boolean => !file.includes('/node_modules/') || typePackages.some((name) => file.includes(name));
  host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, resolutionOptions) =>
    literals.map((literal) => {
      const resolved = ts.resolveModuleName(literal.text, containingFile, resolutionOptions, host, cache, redirectedReference);
      const file = resolved.resolvedModule?.resolvedFileName.split(sep).join('/');
      return file !== undefined && readable(file) ? resolved : { resolvedModule: undefined };
    });
  const program = ts.createProgram({ rootNames: [...options.rootFiles], options: compilerOptions, host });
  const checker = program.getTypeChecker();
  const inWorkspace = (file: TS.SourceFile): boolean => !file.isDeclarationFile && !file.fileName.split(/[\\/]/).includes('node_modules');
  const where = (node: TS.Node): string => {
    const file = node.getSourceFile();
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    return `${file.fileName.split(sep).join('/')}:${line + 1}`;
  };

  const methods = new Map<string, TS.MethodDeclaration>();
  for (const file of program.getSourceFiles().filter(inWorkspace)) {
    ts.forEachChild(file, function visit(node) {
      if (ts.isClassDeclaration(node) && node.name !== undefined) {
        for (const member of node.members) {
          if (ts.isMethodDeclaration(member) && ts.isIdentifier(member.name) && member.body !== undefined) {
            const key = `${node.name.text}.${member.name.text}`;
            if (options.handlers.includes(key) && methods.has(key)) throw new Error(`handlerStatuses: two classes declare ${key}`);
            methods.set(key, member);
          }
        }
      }
      ts.forEachChild(node, visit);
    });
  }

  /** The number literals an expression can take, and whether some part of it cannot be told. */
  const constants = (expression: TS.Expression, seen = new Set<TS.Node>()): { values: number[]; unknown: TS.Expression[] } => {
    const values: number[] = [];
    const unknown: TS.Expression[] = [];
    const add = (e: TS.Expression): void => {
      if (seen.has(e)) return;
      seen.add(e);
      const literals = numberLiterals(ts, checker.getTypeAtLocation(e));
      if (literals !== undefined) {
        values.push(...literals);
      } else if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) {
        add(e.expression);
      } else if (ts.isConditionalExpression(e)) {
        add(e.whenTrue);
        add(e.whenFalse);
      } else if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind)) {
        add(e.left);
        add(e.right);
      } else if (ts.isIdentifier(e)) {
        const symbol = checker.getSymbolAtLocation(e);
        const declaration = symbol?.valueDeclaration;
        if (symbol === undefined || declaration === undefined || !ts.isVariableDeclaration(declaration)) {
          unknown.push(e);
          return;
        }
        if (declaration.initializer !== undefined) add(declaration.initializer);
        // and every later assignment to it in the same function
        const scope = enclosingFunction(ts, declaration) ?? declaration.getSourceFile();
        scope.forEachChild(function assignments(node: TS.Node): void {
          if (
            ts.isBinaryExpression(node) &&
            node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
            ts.isIdentifier(node.left) &&
            checker.getSymbolAtLocation(node.left) === symbol
          ) {
            add(node.right);
          }
          node.forEachChild(assignments);
        });
      } else {
        unknown.push(e);
      }
    };
    add(expression);
    return { values, unknown };
  };

  const result = new Map<string, HandlerStatuses>();
  for (const key of options.handlers) {
    const method = methods.get(key);
    if (method === undefined) throw new Error(`handlerStatuses: no method ${key} in the program of ${options.rootFiles.join(', ')}`);
    const statuses = new Set<number>();
    const unresolved: string[] = [];
    const visited = new Set<TS.Node>();
    const follow = (declaration: TS.Declaration | undefined): void => {
      if (declaration === undefined || visited.has(declaration) || !inWorkspace(declaration.getSourceFile())) return;
      if (!ts.isFunctionLike(declaration)) return;
      const body = (declaration as TS.FunctionLikeDeclarationBase).body;
      if (body === undefined) return;
      visited.add(declaration);
      walk(body);
    };
    const walk = (node: TS.Node): void => {
      if (ts.isNewExpression(node)) {
        const symbol = checker.getSymbolAtLocation(node.expression);
        const resolved = symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        if (resolved?.getName() === problemClass) {
          const status = node.arguments?.[0];
          const found = status === undefined ? { values: [], unknown: [node] } : constants(status);
          found.values.forEach((value) => statuses.add(value));
          for (const e of found.unknown) unresolved.push(`${where(e)}: new ${problemClass}(${e.getText()}, ...)`);
        } else {
          follow(checker.getResolvedSignature(node)?.getDeclaration());
        }
      } else if (ts.isCallExpression(node)) {
        follow(checker.getResolvedSignature(node)?.getDeclaration());
      }
      ts.forEachChild(node, walk);
    };
    visited.add(method);
    walk(method.body!);
    // Statuses the handler sets on a reply it writes itself. Only constants
    // count: a status passed through from elsewhere (error.getStatus()) is
    // the status of a problem already counted where it was thrown.
    method.body!.forEachChild(function replies(node: TS.Node): void {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'status' && node.arguments.length === 1) {
        constants(node.arguments[0]!).values.forEach((value) => statuses.add(value));
      }
      node.forEachChild(replies);
    });
    result.set(key, { statuses, unresolved });
  }
  return result;
}

function numberLiterals(ts: typeof TS, type: TS.Type): number[] | undefined {
  const parts = type.isUnion() ? type.types : [type];
  const values: number[] = [];
  for (const part of parts) {
    if (!(part.flags & ts.TypeFlags.NumberLiteral)) return undefined;
    values.push((part as TS.NumberLiteralType).value);
  }
  return values;
}

function enclosingFunction(ts: typeof TS, node: TS.Node): TS.Node | undefined {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (ts.isFunctionLike(current)) return current;
  }
  return undefined;
}

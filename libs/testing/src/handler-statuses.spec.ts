import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handlerStatuses } from './handler-statuses';

/** A small program of its own: the analysis must find each status where it is thrown or set. */
const FILES: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node' } }),
  'problem.ts': `
    export class ProblemException extends Error {
      constructor(readonly status: number, detail: string) { super(detail); }
    }`,
  'helpers.ts': `
    import { ProblemException } from './problem';
    export function required(value: string): string {
      if (value === '') throw new ProblemException(400, 'required');
      return value;
    }
    export function refuse(status: 404 | 409): ProblemException {
      return new ProblemException(status, 'refused');
    }
    export function opaque(status: number): ProblemException {
      return new ProblemException(status, 'who knows');
    }`,
  'service.ts': `
    import { ProblemException as Problem } from './problem';
    export class Service {
      go(): void { this.deeper(); }
      private deeper(): void { throw new Problem(503, 'down'); }
    }`,
  'controller.ts': `
    import { refuse, opaque, required } from './helpers';
    import { Service } from './service';
    import { ProblemException } from './problem';
    enum Code { Accepted = 202 }
    interface Reply { status(code: number): Reply }
    export class Controller {
      constructor(private readonly service: Service) {}
      direct(): void { throw new ProblemException(403, 'no'); }
      viaHelper(value: string): string { return required(value); }
      viaTypedParameter(): void { throw refuse(404); }
      viaService(): void { this.service.go(); }
      unresolved(): void { throw opaque(418); }
      writes(reply: Reply, ok: boolean): void {
        let status = 500;
        status = ok ? 200 : Code.Accepted;
        reply.status(status);
      }
      nothing(): number { return 1; }
    }`,
};

describe('handlerStatuses', () => {
  let dir: string;
  let found: Awaited<ReturnType<typeof handlerStatuses>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handler-statuses-'));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
    found = await handlerStatuses({
      tsconfig: join(dir, 'tsconfig.json'),
      rootFiles: [join(dir, 'controller.ts')],
      handlers: ['direct', 'viaHelper', 'viaTypedParameter', 'viaService', 'unresolved', 'writes', 'nothing'].map((m) => `Controller.${m}`),
    });
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const statuses = (handler: string) => [...(found.get(`Controller.${handler}`)?.statuses ?? [])].sort();

  it('finds a problem thrown by the handler, by a helper of another file, and by a method of a service it calls', () => {
    expect(statuses('direct')).toEqual([403]);
    expect(statuses('viaHelper')).toEqual([400]);
    expect(statuses('viaService')).toEqual([503]);
  });

  it('reads a status from the type of what is passed (a union of literals)', () => {
    expect(statuses('viaTypedParameter')).toEqual([404, 409]);
  });

  it('finds the statuses a handler sets on its reply: literals, enum members, assignments', () => {
    expect(statuses('writes')).toEqual([200, 202, 500]);
  });

  it('says where it cannot tell a status, rather than skipping it', () => {
    expect(statuses('unresolved')).toEqual([]);
    expect(found.get('Controller.unresolved')?.unresolved).toEqual([expect.stringMatching(/helpers\.ts:11: new ProblemException\(status, \.\.\.\)$/)]);
    expect(statuses('nothing')).toEqual([]);
  });

  it('refuses a handler it cannot find', async () => {
    await expect(
      handlerStatuses({ tsconfig: join(dir, 'tsconfig.json'), rootFiles: [join(dir, 'controller.ts')], handlers: ['Controller.missing'] }),
    ).rejects.toThrow('no method Controller.missing');
  }, 60_000);
});

import { isDependencyUnavailable, problemDocument } from './problem.filter';

describe('isDependencyUnavailable', () => {
  it('is true for socket errors of a database connection, also as a cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
    expect(isDependencyUnavailable(refused)).toBe(true);
    expect(isDependencyUnavailable(new Error('query failed', { cause: refused }))).toBe(true);
    expect(isDependencyUnavailable(new Error('Timeout error.'))).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
  });

  it('is false for other errors', () => {
    expect(isDependencyUnavailable(new Error('Code: 60. Table x does not exist'))).toBe(false);
    expect(isDependencyUnavailable(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(false);
    expect(isDependencyUnavailable('ECONNREFUSED')).toBe(false);
    expect(isDependencyUnavailable(undefined)).toBe(false);
  });
});

describe('problemDocument', () => {
  it('names the status and keeps the detail and extensions', () => {
    expect(problemDocument(400, { detail: 'code: required', parameter: 'code' })).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'code: required', parameter: 'code' });
  });
});

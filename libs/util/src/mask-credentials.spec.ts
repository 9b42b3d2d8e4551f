import { errorMessage } from './error-message';
import { maskCredentials, maskUrl } from './mask-credentials';

describe('maskUrl', () => {
  it.each([
    ['postgres://user:s3cret@host/db', 'postgres://user:***@host/db'],
    ['postgresql://sferum:s3cret@10.0.0.5:5432/sferum?sslmode=require', 'postgresql://sferum:***@10.0.0.5:5432/sferum?sslmode=require'],
    ['http://default:s3cret@127.0.0.1:8123', 'http://default:***@127.0.0.1:8123'],
    ['https://:token-only@hooks.example/x', 'https://:***@hooks.example/x'],
    // Invalid URLs, which is when a value gets printed: the password masked whole.
    ['postgres://user:s3cret@127.0.0.1:notaport/db', 'postgres://user:***@127.0.0.1:notaport/db'],
    ['postgres://user:pa ss@host/db', 'postgres://user:***@host/db'],
    ['postgres://user:p@ss/w#rd@host/db', 'postgres://user:***@host/db'],
    ['postgres://user:s3cret%zz@host/db', 'postgres://user:***@host/db'],
    // Secrets in the query string (libpq reads password= there too).
    ['postgres://host/db?password=s3cret&sslmode=require', 'postgres://host/db?password=***&sslmode=require'],
    ['postgres://host/db?sslmode=require&sslpassword=s3cret', 'postgres://host/db?sslmode=require&sslpassword=***'],
    ['https://hooks.example/notify?api_key=s3cret', 'https://hooks.example/notify?api_key=***'],
  ])('%s', (value, masked) => {
    expect(maskUrl(value)).toBe(masked);
    expect(maskUrl(value)).not.toContain('s3cret');
  });

  it.each([
    'postgres://postgres@127.0.0.1:5432/sferum', // a user without a password stays
    'http://127.0.0.1:8123',
    'not a url at all',
    '',
  ])('leaves %j as it is', (value) => {
    expect(maskUrl(value)).toBe(value);
  });
});

describe('maskCredentials', () => {
  it('masks every URL of a text and nothing else', () => {
    const text = 'connect postgres://app:s3cret@db:5432/x failed; retrying http://default:other@ch:8123 (see https://docs.example/a?b=c)';
    expect(maskCredentials(text)).toBe('connect postgres://app:***@db:5432/x failed; retrying http://default:***@ch:8123 (see https://docs.example/a?b=c)');
  });

  it('stops at quotes, so JSON around a URL stays readable', () => {
    expect(maskCredentials('{"url":"postgres://app:s3cret@db/x","user":"a@b"}')).toBe('{"url":"postgres://app:***@db/x","user":"a@b"}');
  });

  it('masks URLs in stack traces and multi-line messages', () => {
    const stack = 'Error: cannot parse postgres://app:s3cret@db/x\n    at parse (/app/node_modules/pg/index.js:1:1)';
    expect(maskCredentials(stack)).toBe('Error: cannot parse postgres://app:***@db/x\n    at parse (/app/node_modules/pg/index.js:1:1)');
  });

  it('leaves a text without a URL untouched', () => {
    expect(maskCredentials('connect ECONNREFUSED 127.0.0.1:5432')).toBe('connect ECONNREFUSED 127.0.0.1:5432');
  });
});

describe('errorMessage', () => {
  it('masks a URL an error carries', () => {
    expect(errorMessage(new Error('bad url postgres://app:s3cret@db/x'))).toBe('bad url postgres://app:***@db/x');
    expect(errorMessage('postgres://app:s3cret@db/x')).toBe('postgres://app:***@db/x');
    expect(errorMessage(42)).toBe('42');
  });
});

import { presentedKey } from './request-key';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
const KEY = `sfk_${'a'.repeat(43)}`;

describe('presentedKey', () => {
  it('reads a Bearer key, with or without Basic allowed', () => {
    expect(presentedKey(`Bearer ${KEY}`, { basic: false })).toBe(KEY);
    expect(presentedKey(`bearer  ${KEY} `, { basic: true })).toBe(KEY);
    expect(presentedKey([`Bearer ${KEY}`, 'Bearer other'], { basic: false })).toBe(KEY);
  });

  it('reads the key as the password of Basic credentials only where Basic is allowed', () => {
    expect(presentedKey(basic(`analyst:${KEY}`), { basic: true })).toBe(KEY);
    expect(presentedKey(basic(`:${KEY}`), { basic: true })).toBe(KEY); // any user name, even none
    expect(presentedKey(basic(`a:b:${KEY}`), { basic: true })).toBe(`b:${KEY}`); // the password is everything after the first colon
    expect(presentedKey(basic(`analyst:${KEY}`), { basic: false })).toBeUndefined();
  });

  it('finds no key in a missing or malformed header', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer a b', 'Token abc', 'Basic', 'Basic !!!', 'Basic abc', basic('no-colon'), basic('user:'), `Basic ${KEY}`]) {
      expect({ header, key: presentedKey(header, { basic: true }) }).toEqual({ header, key: undefined });
    }
  });
});

import { Random } from './random';

describe('seeded random', () => {
  it('repeats for a seed and differs between seeds and forks', () => {
    const draw = (r: Random) => Array.from({ length: 5 }, () => r.next());
    expect(draw(new Random(7))).toEqual(draw(new Random(7)));
    expect(draw(new Random(7))).not.toEqual(draw(new Random(8)));
    expect(draw(new Random(7).fork('a'))).not.toEqual(draw(new Random(7).fork('b')));
    expect(draw(new Random(7).fork('a'))).toEqual(draw(new Random(7).fork('a')));
  });

  it('a fork does not move its parent', () => {
    const a = new Random(3);
    const b = new Random(3);
    a.fork('x').next();
    expect(a.next()).toBe(b.next());
  });

  it('draws in range, with the asked means', () => {
    const r = new Random(11);
    const ints = Array.from({ length: 10_000 }, () => r.int(2, 5));
    expect(Math.min(...ints)).toBe(2);
    expect(Math.max(...ints)).toBe(5);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(Array.from({ length: 20_000 }, () => r.poisson(4)))).toBeCloseTo(4, 1);
    expect(mean(Array.from({ length: 20_000 }, () => r.poisson(50)))).toBeCloseTo(50, 0);
    const pareto = Array.from({ length: 20_000 }, () => r.pareto(1.6));
    expect(Math.min(...pareto)).toBeGreaterThanOrEqual(1);
    // heavy tail: the top 1% is far above the median
    pareto.sort((a, b) => a - b);
    expect(pareto[19_800]! / pareto[10_000]!).toBeGreaterThan(8);
  });
});

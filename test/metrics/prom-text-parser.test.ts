// The strict parser the metrics tests rely on: it must refuse what a
// Prometheus scraper would refuse (or misread), or those tests prove nothing.
import { parsePrometheusText, sampleValue } from './prom-text-parser';

const good = [
  '# HELP a_total Things.',
  '# TYPE a_total counter',
  'a_total{x="1",y="q\\"uo\\\\te\\n"} 3',
  'a_total{x="2"} 0',
  '',
  '# HELP h Waits.',
  '# TYPE h histogram',
  'h_bucket{le="0.1",s="200"} 1',
  'h_bucket{le="1",s="200"} 2',
  'h_bucket{le="+Inf",s="200"} 2',
  'h_sum{s="200"} 0.5',
  'h_count{s="200"} 2',
  '# TYPE s summary',
  's{quantile="0.5"} 1',
  's_sum 3',
  's_count 2',
  '# TYPE g gauge',
  'g -1.5e3',
  'g{a="b"} NaN',
  '',
].join('\n');

describe('strict Prometheus text parser', () => {
  it('reads a valid exposition: families, types, labels with escapes, values', () => {
    const f = parsePrometheusText(good);
    expect([...f.keys()]).toEqual(['a_total', 'h', 's', 'g']);
    expect(f.get('h')?.type).toBe('histogram');
    expect(sampleValue(f, 'a_total', { x: '2' })).toBe(0);
    expect(sampleValue(f, 'a_total', { x: '1', y: 'q"uo\\te\n' })).toBe(3);
    expect(sampleValue(f, 'g')).toBe(-1500);
  });

  const bad: Array<[string, string]> = [
    ['no final newline', 'a 1'],
    ['a stray comment', '# hello\na 1\n'],
    ['a bad metric name', '1a 1\n'],
    ['a bad label name', 'a{1x="y"} 1\n'],
    ['a reserved label name', 'a{__x="y"} 1\n'],
    ['an unquoted label value', 'a{x=y} 1\n'],
    ['a bad escape', 'a{x="\\t"} 1\n'],
    ['a duplicate label', 'a{x="1",x="2"} 1\n'],
    ['a bad value', 'a 1,5\n'],
    ['a missing value', 'a{x="1"}\n'],
    ['a bad timestamp', 'a 1 soon\n'],
    ['two TYPE lines', '# TYPE a counter\n# TYPE a counter\na 1\n'],
    ['two HELP lines', '# HELP a x\n# HELP a y\na 1\n'],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['an unknown type', '# TYPE a meter\na 1\n'],
    ['interleaved families', 'a 1\nb 1\na{x="1"} 2\n'],
    ['a repeated sample', 'a{x="1"} 1\na{x="1"} 2\n'],
    ['a negative counter', '# TYPE a_total counter\na_total -1\n'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['a non-cumulative histogram', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['a histogram count that differs', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n'],
    ['a histogram without _sum', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
    ['a summary without quantile', '# TYPE s summary\ns 1\ns_sum 1\ns_count 1\n'],
    ['a bad escape in HELP', '# HELP a x\\ty\na 1\n'],
    ['a counter that is NaN', '# TYPE a_total counter\na_total NaN\n'],
  ];
  it.each(bad)('refuses %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});

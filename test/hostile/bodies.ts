// A seeded generator of hostile request bodies: random JSON, deep nesting, huge strings, wrong types,
// control characters, odd Unicode, prototype-pollution keys, broken JSON. Each body is the raw bytes
// sent (so keys like __proto__ reach the server as written) and a content type. The same seed gives
// the same bodies, so a failure can be replayed by its index.
import { mulberry32 } from '../../eval/bootstrap.ts';

export interface HostileBody {
  kind: string;
  raw: string;
  contentType: string;
}

const TEXT = 'Caller states her ex-partner has sent 40 messages since she blocked him and turned up at her work twice this week.';

const ODD = [
  '\u0000', '\u0001', '\u0008', '\u000b', '\u001b[31m', '\u007f', '\u0085', '\u00a0', '\u200b', '\u200d', '\u200e', '\u202e', '\u2028', '\u2029',
  '\ufeff', '\ufffd', '\uffff', '\ud800', '\udfff', '\ud83d\ude00', '\ud83d', 'e\u0301\u0301\u0301', 'Z\u0351\u0352\u0353\u0354\u0355', '\u0627\u0644\u0639',
  '\u4e2d\u6587', '\u{1f469}\u200d\u{1f469}\u200d\u{1f467}', '%00', '\\u0000', '${7*7}', '{{7*7}}', "' OR 1=1 --", '<script>alert(1)</script>', '../../etc/passwd',
  '\r\n\r\nHTTP/1.1 200 OK', 'NaN', 'null', 'undefined', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
];

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', '__lookupGetter__'];
const FIELDS = ['id', 'text', 'kind', 'recorded_as', 'opening_code', 'occurred_at', 'reported_at', 'victim_ref', 'suspect_ref', 'relationship', 'source', 'records', 'decision', 'reason', 'recommended_classification', 'key', 'record', '_csrf'];

export class HostileGenerator {
  private readonly rnd: () => number;
  constructor(seed: number) {
    this.rnd = mulberry32(seed);
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }
  private chance(p: number): boolean {
    return this.rnd() < p;
  }

  /** A string of random code units, odd fragments and plain text. */
  private weirdString(maxLen = 200): string {
    const parts: string[] = [];
    const n = this.int(0, 8);
    for (let i = 0; i < n; i++) {
      const r = this.rnd();
      if (r < 0.35) parts.push(this.pick(ODD));
      else if (r < 0.6) parts.push(String.fromCharCode(this.int(0, 0xffff)));
      else if (r < 0.8) parts.push(TEXT.slice(0, this.int(0, TEXT.length)));
      else parts.push(this.pick(ODD).repeat(this.int(1, 50)));
    }
    return parts.join('').slice(0, maxLen);
  }

  /** A JSON text (not a JS value: keys are written literally, so "__proto__" is an own key on the wire). */
  private randomJson(depth: number): string {
    const r = this.rnd();
    if (depth <= 0 || r < 0.3) return this.scalar();
    if (r < 0.65) {
      const n = this.int(0, 6);
      const entries: string[] = [];
      for (let i = 0; i < n; i++) {
        const key = this.chance(0.15) ? this.pick(POLLUTION_KEYS) : this.chance(0.5) ? this.pick(FIELDS) : this.weirdString(20);
        entries.push(`${JSON.stringify(key)}:${this.randomJson(depth - 1)}`);
      }
      return `{${entries.join(',')}}`;
    }
    const n = this.int(0, 6);
    return `[${Array.from({ length: n }, () => this.randomJson(depth - 1)).join(',')}]`;
  }

  private scalar(): string {
    const r = this.rnd();
    if (r < 0.3) return JSON.stringify(this.weirdString());
    if (r < 0.45) return this.pick(['0', '-0', '1e308', '-1e308', '1e-320', '9007199254740993', '-1', '3.14', '2147483648', '1E400']);
    if (r < 0.55) return this.pick(['true', 'false', 'null']);
    if (r < 0.65) return '{}';
    if (r < 0.75) return '[]';
    return JSON.stringify(TEXT);
  }

  /** A value of the wrong type for a record field, as JSON text. */
  private wrongValue(): string {
    return this.pick([
      () => String(this.int(-5, 5)),
      () => 'true',
      () => 'null',
      () => '[]',
      () => '{}',
      () => `[${JSON.stringify(TEXT)}]`,
      () => `{"text":${JSON.stringify(TEXT)}}`,
      () => JSON.stringify(''),
      () => JSON.stringify(' '),
      () => JSON.stringify(this.weirdString()),
      () => JSON.stringify('x'.repeat(this.pick([129, 201, 1000, 100_001]))),
      () => JSON.stringify(this.pick(['2023-13-45', 'last tuesday', '2023-01-01T25:00', '0000-00-00', '1e3', 'burglary', 'CRIME'])),
      () => this.randomJson(2),
    ])();
  }

  /** A record that is valid, then broken in one to three ways (or left valid, 1 in 6). */
  private recordLike(): string {
    const fields = new Map<string, string>([
      ['id', JSON.stringify(`h-${this.int(0, 1e9).toString(36)}${this.chance(0.3) ? this.weirdString(40) : ''}`)],
      ['text', JSON.stringify(this.chance(0.5) ? TEXT : `${TEXT} ${this.weirdString(400)}`)],
    ]);
    if (this.chance(0.5)) fields.set('kind', JSON.stringify(this.pick(['incident', 'crime'])));
    if (this.chance(0.5)) fields.set('recorded_as', JSON.stringify(this.pick(['Malicious Communications', 'Stalking s2A', 'Harassment', this.weirdString(60)])));
    if (this.chance(0.3)) fields.set('victim_ref', JSON.stringify(`v${this.int(0, 5)}`));
    if (this.chance(0.3)) fields.set('suspect_ref', JSON.stringify(`s${this.int(0, 5)}`));
    if (this.chance(0.3)) fields.set('occurred_at', JSON.stringify('2024-05-01'));
    const mutations = this.chance(1 / 6) ? 0 : this.int(1, 3);
    for (let m = 0; m < mutations; m++) {
      const r = this.rnd();
      if (r < 0.35) fields.set(this.pick(FIELDS.slice(0, 11)), this.wrongValue());
      else if (r < 0.45) fields.delete(this.pick(['id', 'text']));
      else if (r < 0.65) fields.set(this.chance(0.5) ? this.pick(POLLUTION_KEYS) : this.weirdString(30), this.pollutionValue());
      else if (r < 0.8) fields.set(this.weirdString(30) || 'extra', this.randomJson(3));
      else if (r < 0.9) fields.set('text', JSON.stringify(this.weirdString(5000) || '\u0000'));
      else fields.set('extra', nested(this.int(10, 3000), this.chance(0.5) ? 'array' : 'object'));
    }
    return `{${[...fields].map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
  }

  private pollutionValue(): string {
    return this.pick([
      '{"polluted":"yes"}',
      '{"prototype":{"polluted":"yes"}}',
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '"polluted"',
      '[{"__proto__":{"polluted":"yes"}}]',
    ]);
  }

  private decisionLike(): string {
    const fields: string[] = [];
    if (this.chance(0.8)) fields.push(`"decision":${this.chance(0.4) ? JSON.stringify(this.pick(['stalking_s2a', 'stalking_s4a', 'not_stalking', 'needs_more_information'])) : this.wrongValue()}`);
    if (this.chance(0.8)) fields.push(`"reason":${this.chance(0.4) ? JSON.stringify('Pattern of unwanted contact.') : this.wrongValue()}`);
    if (this.chance(0.4)) fields.push(`"recommended_classification":${this.wrongValue()}`);
    if (this.chance(0.3)) fields.push(`${JSON.stringify(this.pick(POLLUTION_KEYS))}:${this.pollutionValue()}`);
    return `{${fields.join(',')}}`;
  }

  /** One hostile body. */
  next(): HostileBody {
    const json = (kind: string, raw: string): HostileBody => ({ kind, raw, contentType: 'application/json' });
    const r = this.rnd();
    if (r < 0.18) return json('random-json', this.randomJson(this.int(1, 6)));
    if (r < 0.4) return json('record', this.recordLike());
    if (r < 0.52) {
      const n = this.pick([0, 1, 2, 3, 5, 1001]);
      const items = Array.from({ length: n }, () => (this.chance(0.7) ? this.recordLike() : this.randomJson(2)));
      const wrapper = this.chance(0.2) ? `{"records":${this.pick(['"many"', '{}', 'null', '1', `[[${items.slice(0, 2).join(',')}]]`])}}` : `{"records":[${items.join(',')}]}`;
      return json('batch', wrapper);
    }
    if (r < 0.6) {
      const depth = this.pick([64, 500, 5_000, 20_000, 50_000]);
      const shape = this.chance(0.5) ? 'array' : 'object';
      const where = this.rnd();
      const inner = nested(depth, shape);
      const raw =
        where < 0.3 ? inner : where < 0.6 ? `{"id":"deep","text":${JSON.stringify(TEXT)},"extra":${inner}}` : where < 0.8 ? `{"records":[{"id":"deep","text":${JSON.stringify(TEXT)},"x":${inner}}]}` : `{"id":"deep","text":${inner}}`;
      return json(`deep-${shape}-${depth}`, raw);
    }
    if (r < 0.68) {
      const key = this.pick(POLLUTION_KEYS);
      const value = this.pollutionValue();
      const raw = this.pick([
        `{${JSON.stringify(key)}:${value},"id":"p1","text":${JSON.stringify(TEXT)}}`,
        `{"id":"p2","text":${JSON.stringify(TEXT)},${JSON.stringify(key)}:${value}}`,
        `{"records":[{"id":"p3","text":${JSON.stringify(TEXT)},${JSON.stringify(key)}:${value}}]}`,
        `{"id":"p4","text":${JSON.stringify(TEXT)},"meta":{${JSON.stringify(key)}:${value}}}`,
        `{${JSON.stringify(key)}:${value}}`,
        `{"decision":"not_stalking","reason":"r",${JSON.stringify(key)}:${value}}`,
        `[${value}]`,
      ]);
      return json('prototype-pollution', raw);
    }
    if (r < 0.74) {
      const size = this.pick([100_001, 250_000, 1_000_000]);
      const unit = this.pick(['x', '\u00e9', '\ud83d\ude00', '\\u0000', '\u202e', ' ']);
      const text = unit.repeat(Math.ceil(size / unit.length));
      const field = this.pick(['text', 'id', 'recorded_as', 'victim_ref', 'reason', 'extra']);
      const raw = `{"id":"huge","text":${JSON.stringify(TEXT)},${JSON.stringify(field)}:"${text.includes('\\u') ? text : JSON.stringify(text).slice(1, -1)}"}`;
      return json(`huge-${field}`, raw);
    }
    if (r < 0.82) return json('decision', this.decisionLike());
    if (r < 0.92) {
      const valid = this.recordLike();
      const raw = this.pick([
        () => valid.slice(0, this.int(0, valid.length - 1)),
        () => `${valid}${this.pick(['}', ']', ',', 'x', '\u0000', ' {}'])}`,
        () => `\ufeff${valid}`,
        () => valid.replace(/"/g, "'"),
        () => this.pick(['', ' ', '\n', 'null', 'true', '0', '"x"', '[]', 'NaN', 'Infinity', '{"id":NaN}', '{id:"x"}', '{"a":1,}', '//', '\u0000']),
        () => `{"id":"dup","id":${this.wrongValue()},"text":${JSON.stringify(TEXT)}}`,
        () => this.weirdString(300),
      ])();
      return json('broken-json', raw);
    }
    // Not JSON at all, or JSON under the wrong name.
    const contentType = this.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/jsonx', '']);
    const raw = this.pick([
      () => this.recordLike(),
      () => `id=${encodeURIComponent(this.weirdString(30).replace(/[\uD800-\uDFFF]/g, '?'))}&text=${encodeURIComponent(TEXT)}&__proto__[polluted]=yes&constructor[prototype][polluted]=yes`,
      () => '<record><id>x</id></record>',
      () => this.weirdString(500),
    ])();
    return { kind: `content-type:${contentType || 'none'}`, raw, contentType };
  }
}

/** `depth` levels of nested arrays or objects, written without recursion. */
export function nested(depth: number, shape: 'array' | 'object'): string {
  return shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export function hostileBodies(seed: number, n: number): HostileBody[] {
  const g = new HostileGenerator(seed);
  return Array.from({ length: n }, () => g.next());
}

// Pure parts of the store: content hashing, queue priority, decision labels.
import { describe, expect, it } from 'vitest';
import { labelsFor } from '../../src/store/export.ts';
import { basePriority } from '../../src/store/queue.ts';
import { canonicalJson, contentHash } from '../../src/store/records.ts';

describe('content hash', () => {
  it('ignores key order and undefined fields but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[1,{"x":1,"y":2}]},"b":1}');
    expect(contentHash({ id: 'r1', text: 'a' })).toBe(contentHash({ text: 'a', id: 'r1' }));
    expect(contentHash({ id: 'r1', text: 'a' })).not.toBe(contentHash({ id: 'r1', text: 'a ' }));
    expect(contentHash({ id: 'r1', text: 'a' })).not.toBe(contentHash({ id: 'r1', text: 'a', recorded_as: 'Harassment' }));
  });
});

describe('basePriority', () => {
  const p = (riskLevel: string, flags: string[], score = 0.5) => basePriority({ riskLevel, flags, stalkingScore: score, s4aScore: 0 });
  it('ranks high risk above medium above standard with the same flags', () => {
    expect(p('high', ['MISSED_STALKING'])).toBeGreaterThan(p('medium', ['MISSED_STALKING']));
    expect(p('medium', ['MISSED_STALKING'])).toBeGreaterThan(p('standard', ['MISSED_STALKING']));
  });
  it('raises priority for a linked pattern and for more flags', () => {
    expect(p('standard', ['MISSED_STALKING', 'LINKED_PATTERN'])).toBeGreaterThan(p('standard', ['MISSED_STALKING']));
    expect(p('standard', ['MISSED_STALKING', 'POSSIBLE_S4A'])).toBeGreaterThan(p('standard', ['MISSED_STALKING']));
  });
  it('uses the higher of the two scores', () => {
    expect(basePriority({ riskLevel: 'standard', flags: [], stalkingScore: 0.2, s4aScore: 0.9 })).toBe(9);
  });
});

describe('labelsFor', () => {
  it.each([
    ['stalking_s4a', { label_stalking: true, label_s4a: true }],
    ['stalking_s2a', { label_stalking: true, label_s4a: false }],
    ['not_stalking', { label_stalking: false, label_s4a: false }],
    ['needs_more_information', null],
  ] as const)('%s', (decision, labels) => expect(labelsFor(decision)).toEqual(labels));
});

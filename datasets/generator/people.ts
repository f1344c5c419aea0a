// Invented people: names, sexes and how the relationship between victim and suspect is worded.
// Victims and suspects of every sex, so no classifier can lean on "he" and "she".
import type { Rng } from './random.ts';

export type Sex = 'f' | 'm' | 'x';

export interface Person {
  first: string;
  last: string;
  sex: Sex;
}

export const RELATIONSHIPS = [
  'ex-partner',
  'acquaintance',
  'neighbour',
  'friend',
  'colleague',
  'family',
  'stranger',
  'online-only',
  'unknown',
  'police officer',
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number] | 'partner';

/** How well the victim can name the suspect, which decides how the text refers to them. */
export type Identity = 'named' | 'described' | 'unknown';

export interface Cast {
  victim: Person;
  suspect: Person;
  identity: Identity;
  relationship: Relationship;
  /** The suspect seen from the victim, e.g. "ex-husband", "neighbour", "cousin". */
  relNoun: string;
  /** Short form for logs, e.g. "ex-p", "NBR". */
  relShort: string;
}

const FEMALE = [
  'Sarah', 'Emma', 'Chloe', 'Jade', 'Aisha', 'Priya', 'Kelly', 'Megan', 'Hannah', 'Zara', 'Natalie', 'Leanne',
  'Gemma', 'Fatima', 'Olivia', 'Amelia', 'Ruth', 'Karen', 'Joanne', 'Nadia', 'Ewa', 'Agnieszka', 'Grace', 'Chantelle',
  'Bethany', 'Lauren', 'Sophie', 'Rachel', 'Yasmin', 'Amira', 'Siobhan', 'Bronwen', 'Tanisha', 'Lucy', 'Ellie', 'Mary',
  'Harpreet', 'Kirsty', 'Danielle', 'Monique', 'Abigail', 'Rebecca', 'Shannon', 'Tina', 'Imogen',
];
const MALE = [
  'Dean', 'Lee', 'Mark', 'Jamie', 'Ryan', 'Mohammed', 'Imran', 'Tomasz', 'Daniel', 'Craig', 'Gary', 'Liam', 'Kyle',
  'Darren', 'Paul', 'Steven', 'Adam', 'Kieran', 'Jordan', 'Marcus', 'Tyrone', 'Callum', 'Ashley', 'Wayne', 'Nathan',
  'Rhys', 'Connor', 'Bilal', 'Hassan', 'Piotr', 'Andrei', 'Michael', 'David', 'Stuart', 'Martin', 'Owen', 'Kwame',
  'Sandeep', 'Declan', 'Shane', 'Aaron', 'Scott', 'Neil', 'Ben', 'Joe',
];
const NEUTRAL = ['Alex', 'Sam', 'Jordan', 'Charlie', 'Robin', 'Kai', 'Rowan', 'Ash', 'Frankie', 'Morgan', 'Jules', 'Remy'];
const SURNAMES = [
  'Jones', 'Smith', 'Harper', 'Khan', 'Patel', 'Okafor', 'Nowak', 'Kowalski', 'Ahmed', 'Begum', 'Singh', 'Mensah',
  'Campbell', "O'Brien", 'Evans', 'Hughes', 'Williams', 'Taylor', 'Brown', 'Wilson', 'Thomas', 'Roberts', 'Walker',
  'Wright', 'Thompson', 'White', 'Edwards', 'Green', 'Hall', 'Wood', 'Clarke', 'Jackson', 'Hussain', 'Ali', 'Shah',
  'Murphy', 'Kelly', 'Lewis', 'Morgan', 'Price', 'Reid', 'Fraser', 'Baker', 'Mitchell', 'Carter', 'Adeyemi', 'Osei',
  'Popescu', 'Silva', 'Novak', 'Doyle', 'Fletcher', 'Barnes', 'Marsh', 'Dunn', 'Chaudhry', 'Rahman', 'Gallagher',
  'Pearson', 'Kaur', 'Mahmood', 'Lynch', 'Bennett', 'Dixon', 'Stevens',
];

export function makePerson(rng: Rng, sex: Sex): Person {
  const first = sex === 'f' ? rng.pick(FEMALE) : sex === 'm' ? rng.pick(MALE) : rng.pick(NEUTRAL);
  return { first, last: rng.pick(SURNAMES), sex };
}

/** Victims mostly female, suspects mostly male (DOMAIN §9), but every combination occurs. */
export function victimSex(rng: Rng): Sex {
  return rng.weighted<Sex>([['f', 76], ['m', 21], ['x', 3]]);
}
export function suspectSex(rng: Rng, victim: Sex): Sex {
  if (victim === 'm') return rng.weighted<Sex>([['f', 55], ['m', 42], ['x', 3]]);
  return rng.weighted<Sex>([['m', 78], ['f', 19], ['x', 3]]);
}

export const PRONOUNS: Record<Sex, { subj: string; obj: string; poss: string; refl: string }> = {
  f: { subj: 'she', obj: 'her', poss: 'her', refl: 'herself' },
  m: { subj: 'he', obj: 'him', poss: 'his', refl: 'himself' },
  x: { subj: 'they', obj: 'them', poss: 'their', refl: 'themself' },
};

function bySex(sex: Sex, f: string, m: string, x: string): string {
  return sex === 'f' ? f : sex === 'm' ? m : x;
}

/** The relationship noun from the victim's side and a short log form. */
export function relationshipWords(rng: Rng, rel: Relationship, suspect: Sex): { relNoun: string; relShort: string } {
  switch (rel) {
    case 'ex-partner': {
      const relNoun = rng.pick([
        'ex-partner', 'ex-partner', 'ex', 'former partner',
        bySex(suspect, 'ex-girlfriend', 'ex-boyfriend', 'ex-partner'),
        bySex(suspect, 'ex-wife', 'ex-husband', 'ex-partner'),
      ]);
      const relShort = rng.pick(['ex-p', 'ex-p', 'EX', bySex(suspect, 'EX GF', 'EX BF', 'ex-p'), 'ex partner']);
      return { relNoun, relShort };
    }
    case 'partner':
      return {
        relNoun: rng.pick(['partner', bySex(suspect, 'girlfriend', 'boyfriend', 'partner'), bySex(suspect, 'wife', 'husband', 'partner')]),
        relShort: rng.pick(['partner', bySex(suspect, 'GF', 'BF', 'partner'), 'P']),
      };
    case 'family': {
      const relNoun = rng.pick([
        bySex(suspect, 'sister', 'brother', 'sibling'),
        bySex(suspect, 'mother', 'father', 'parent'),
        'cousin',
        bySex(suspect, 'sister-in-law', 'brother-in-law', 'sibling-in-law'),
        bySex(suspect, 'stepmother', 'stepfather', 'step-parent'),
        bySex(suspect, 'aunt', 'uncle', 'relative'),
        bySex(suspect, 'daughter', 'son', 'adult child'),
      ]);
      return { relNoun, relShort: relNoun };
    }
    case 'acquaintance':
      return { relNoun: rng.pick(['acquaintance', 'acquaintance', 'friend of a friend', 'former customer']), relShort: 'acquaintance' };
    case 'neighbour':
      return { relNoun: rng.pick(['neighbour', 'neighbour', 'next-door neighbour', 'downstairs neighbour']), relShort: rng.pick(['NBR', 'neighbour', 'N/BOUR']) };
    case 'friend':
      return { relNoun: rng.pick(['former friend', 'ex-friend', 'old school friend', 'friend']), relShort: rng.pick(['ex-friend', 'former friend', 'friend']) };
    case 'colleague':
      return { relNoun: rng.pick(['colleague', 'former colleague', 'co-worker', 'line manager']), relShort: rng.pick(['colleague', 'work colleague', 'co-worker']) };
    case 'stranger':
      return { relNoun: bySex(suspect, 'woman', 'man', 'person'), relShort: bySex(suspect, 'unknown female', 'unknown male', 'unknown person') };
    case 'online-only':
      return { relNoun: rng.pick(['online contact', 'person met online', 'online contact']), relShort: 'online contact' };
    case 'unknown':
      return { relNoun: 'unknown offender', relShort: 'unknown' };
    case 'police officer':
      return { relNoun: rng.pick(['police officer', 'serving officer', 'officer']), relShort: 'POLICE OFFICER' };
  }
}

export function makeCast(rng: Rng, relationship: Relationship, victim?: Person, suspect?: Person): Cast {
  const v = victim ?? makePerson(rng, victimSex(rng));
  // An unidentified offender has no known sex; the text says "someone", "they".
  const sx = suspect ?? makePerson(rng, relationship === 'unknown' ? 'x' : suspectSex(rng, v.sex));
  const identity: Identity = relationship === 'unknown' ? 'unknown' : relationship === 'stranger' ? 'described' : 'named';
  return { victim: v, suspect: sx, identity, relationship, ...relationshipWords(rng, relationship, sx.sex) };
}

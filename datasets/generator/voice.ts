// Turns a neutral template into one writer's words: "I" in a statement, "the victim" or "she" in a
// crime summary, "IP" and "SUSP" in a control-room log. Templates use these tokens:
//   {V} {v} {vp} {vself}       victim as subject / object / possessive / reflexive
//   {V:is|am}                  victim as subject with a verb agreed (3rd person | 1st person)
//   {S} {s} {sp} {Sself}       suspect; {Sp} is only the pronoun; {Sp:was|were} agrees with "they"
//   {Vname} {Sname} {rel}      full names and "her ex-partner" / "my neighbour"
//   {freq} {when}              filled by the caller (repetition and time span)
//   {platform} {app} {place} {car} {vrm} {quote} {threat} {insult} {gift} {employer} {account}
//   {kid} {fam} {month} {date} {date2} {day} {time} {n} {nn} {order} {tail}
import type { Cast } from './people.ts';
import { PRONOUNS } from './people.ts';
import type { Rng } from './random.ts';
import type { Order, Style } from './lexicon.ts';
import {
  ACCOUNTS, CARS, EMOJI_QUOTES, EMPLOYERS, FAMILY, GIFTS, INSULTS, KIDS, OFFLINE_APPS, ONLINE_APPS, PLACES, PLATFORMS, QUOTES, THREATS,
  addDays, monthName, numberWord, phoneTail, vrm, writeDate, writeTime,
} from './lexicon.ts';

const TOKEN = /\{([A-Za-z_0-9]+)(?::([^|}]*)\|([^}]*))?\}/g;

export class Voice {
  /** Set when a token put an online channel into the text (drives the `online` field). */
  online = false;
  /** When set, quoted messages sometimes carry emoji (a small share of records). */
  emoji = false;
  readonly order: Order | undefined;

  constructor(
    readonly rng: Rng,
    readonly style: Style,
    readonly cast: Cast,
    /** The date the record is about; months and dates in the text are anchored on it. */
    readonly date: Date,
    order?: Order,
  ) {
    this.order = order;
  }

  get first(): boolean {
    return this.style === 'victim_statement';
  }
  get log(): boolean {
    return this.style === 'control_room_log';
  }

  /** Resolve every token and capitalise the first letter. */
  say(template: string, fill: Record<string, string> = {}): string {
    let out = template;
    for (let depth = 0; depth < 3 && out.includes('{'); depth++) {
      out = out.replace(TOKEN, (_m, name: string, a?: string, b?: string) => this.token(name, a, b, fill));
    }
    // Empty {freq}/{when} slots leave stray spaces and commas behind.
    out = out.replace(/\s+([,.;:])/g, '$1').replace(/\s{2,}/g, ' ').trim().replace(/[,;]$/, '');
    return capitalise(out);
  }

  private token(name: string, a: string | undefined, b: string | undefined, fill: Record<string, string>): string {
    if (name in fill) return fill[name]!;
    const r = this.rng;
    const v = this.cast.victim;
    const s = this.cast.suspect;
    const vp = PRONOUNS[v.sex];
    const sp = PRONOUNS[s.sex];
    switch (name) {
      case 'V':
        if (a !== undefined) return this.first ? `I ${b}` : `${this.victimSubject()} ${a}`;
        return this.first ? 'I' : this.victimSubject();
      case 'v':
        return this.first ? 'me' : this.victimObject();
      case 'vp':
        return this.first ? 'my' : this.victimPossessive();
      case 'vself':
        return this.first ? 'myself' : vp.refl;
      case 'Vname':
        return this.name(v, true);
      case 'Vfirst':
        return v.first;
      case 'S':
        return this.suspectSubject();
      case 's':
        return this.suspectObject();
      case 'sp':
        return this.suspectPossessive();
      case 'Sp':
        if (a !== undefined) return `${sp.subj} ${s.sex === 'x' ? b : a}`;
        return sp.subj;
      case 'Sself':
        return sp.refl;
      case 'Sname':
        return this.suspectName();
      case 'rel':
        return this.relPhrase();
      case 'relnoun':
        return this.cast.relNoun;
      case 'kid':
        return `{vp} ${r.pick(KIDS)}`;
      case 'fam':
        return `{vp} ${r.pick(FAMILY)}`;
      case 'platform':
        this.online = true;
        return r.pick(PLATFORMS);
      case 'app': {
        if (r.chance(0.3)) return r.pick(OFFLINE_APPS);
        this.online = true;
        return r.pick(ONLINE_APPS);
      }
      case 'place':
        return r.pick(PLACES);
      case 'car':
        return r.pick(CARS);
      case 'vrm':
        return vrm(r);
      case 'quote':
        return this.emoji && r.chance(0.7) ? r.pick(EMOJI_QUOTES) : r.pick(QUOTES);
      case 'threat':
        return r.pick(THREATS);
      case 'insult':
        return r.pick(INSULTS);
      case 'gift':
        return r.pick(GIFTS);
      case 'employer':
        return r.pick(EMPLOYERS);
      case 'account':
        this.online = true;
        return r.pick(ACCOUNTS);
      case 'month':
        return monthName(addDays(this.date, -r.int(20, 150)));
      case 'date':
        return writeDate(r, addDays(this.date, -r.int(2, 40)), this.style);
      case 'date2':
        return writeDate(r, addDays(this.date, -r.int(0, 1)), this.style);
      case 'today':
        return writeDate(r, this.date, this.style);
      case 'day':
        return ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][addDays(this.date, -r.int(1, 6)).getUTCDay()]!;
      case 'time':
        return writeTime(r, this.style);
      case 'nighttime':
        return writeTime(r, this.style, r.pick([22, 23, 0, 1, 2, 3, 4]));
      case 'n': {
        const n = r.int(2, 9);
        return this.log || r.chance(0.3) ? String(n) : numberWord(n);
      }
      case 'nn':
        return String(r.int(10, 80));
      case 'years': {
        const n = r.int(1, 15);
        return n === 1 ? (this.log ? '1 yr' : 'a year') : `${this.log || r.chance(0.5) ? n : numberWord(n)} ${this.log ? 'yrs' : 'years'}`;
      }
      case 'us':
        return this.first ? 'us' : 'them';
      case 'we':
        return this.first ? 'we' : 'they';
      case 'an_order': {
        const o = this.order;
        if (!o) return 'a restraining order';
        const word = this.log ? o.short : o.name;
        if (word.startsWith('bail')) return word;
        return `${/^[AEFHILMNORSX][A-Z]|^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
      }
      case 'order':
        return this.order ? (this.log ? this.order.short : this.order.name) : 'restraining order';
      case 'tail':
        return phoneTail(r);
      default:
        throw new Error(`unknown template token {${name}}`);
    }
  }

  private name(p: { first: string; last: string }, victim: boolean): string {
    const r = this.rng;
    if (this.log) return r.pick([`${p.last.toUpperCase()}, ${p.first}`, `${p.first.toUpperCase()} ${p.last.toUpperCase()}`, `${p.first} ${p.last.toUpperCase()}`]);
    if (this.first && victim) return 'I';
    return r.pick([`${p.first} ${p.last.toUpperCase()}`, `${p.first} ${p.last}`, `${p.first} ${p.last.toUpperCase()}`]);
  }

  private victimSubject(): string {
    const r = this.rng;
    const v = this.cast.victim;
    const pron = v.sex === 'x' ? 0 : 1;
    if (this.log) return r.weighted([['IP', 50], ['VIW', 8], [PRONOUNS[v.sex].subj, 22 * pron], ['RP', 8], [v.last.toUpperCase(), 6]]);
    return r.weighted([[PRONOUNS[v.sex].subj, 55 * pron], ['the victim', 20], [v.first, 15], ['the IP', 6], ['IP', 4]]);
  }
  private victimObject(): string {
    const r = this.rng;
    const v = this.cast.victim;
    if (this.log) return r.weighted([['IP', 55], [PRONOUNS[v.sex].obj, 35], ['VIW', 10]]);
    return r.weighted([[PRONOUNS[v.sex].obj, 60], ['the victim', 25], [v.first, 15]]);
  }
  private victimPossessive(): string {
    const r = this.rng;
    const v = this.cast.victim;
    if (this.log) return r.weighted([["IP's", 35], ['IPs', 15], [PRONOUNS[v.sex].poss, 40], ["VIW's", 10]]);
    return r.weighted([[PRONOUNS[v.sex].poss, 70], ["the victim's", 20], [`${v.first}'s`, 10]]);
  }

  private suspectSubject(): string {
    const r = this.rng;
    const s = this.cast.suspect;
    const pron = s.sex === 'x' ? 0 : 1;
    const subj = PRONOUNS[s.sex].subj;
    if (this.cast.identity === 'unknown') {
      return this.log
        ? r.pick(['UNK SUSP', 'unknown person', 'someone', 'offender'])
        : r.pick(['someone', 'the offender', 'an unknown person', 'the person responsible', 'whoever is doing this']);
    }
    if (this.cast.identity === 'described') {
      const noun = s.sex === 'f' ? 'female' : s.sex === 'm' ? 'male' : 'person';
      if (this.log) return r.weighted([['SUSP', 40], [noun.toUpperCase(), 30], [subj, 30 * pron]]);
      if (this.first) return r.weighted([[subj, 50 * pron], [`the ${this.cast.relNoun}`, 40], ['this person', 10]]);
      return r.weighted([['the suspect', 40], [subj, 30 * pron], [`the ${noun}`, 30]]);
    }
    if (this.log) return r.weighted([['SUSP', 40], ['S1', 10], [subj, 25 * pron], [this.cast.relShort, 15], [s.last.toUpperCase(), 10]]);
    const officer = this.cast.relationship === 'police officer';
    if (this.first) return r.weighted([[subj, 45 * pron], [s.first, 30], [officer ? 'the officer' : `my ${this.shortRel()}`, 25]]);
    return r.weighted([[subj, 40 * pron], ['the suspect', 20], [s.last.toUpperCase(), 15], [s.first, 10], [officer ? 'the officer' : `{vp} ${this.cast.relNoun}`, 15]]);
  }
  private suspectObject(): string {
    const r = this.rng;
    const s = this.cast.suspect;
    const obj = PRONOUNS[s.sex].obj;
    if (this.cast.identity === 'unknown') return r.pick(['them', 'them', 'the offender']);
    if (this.log) return r.weighted([['SUSP', 45], [obj, 45], [s.last.toUpperCase(), 10]]);
    if (this.first) return r.weighted([[obj, 75], [s.first, 25]]);
    return r.weighted([[obj, 65], ['the suspect', 25], [s.last.toUpperCase(), 10]]);
  }
  private suspectPossessive(): string {
    const r = this.rng;
    const s = this.cast.suspect;
    const poss = PRONOUNS[s.sex].poss;
    if (this.cast.identity === 'unknown') return 'their';
    if (this.log) return r.weighted([["SUSP's", 40], [poss, 60]]);
    return r.weighted([[poss, 80], ["the suspect's", 20 * (this.first ? 0 : 1)]]);
  }
  private suspectName(): string {
    const s = this.cast.suspect;
    if (this.cast.identity === 'unknown') return this.log ? 'UNKNOWN' : 'an unknown person';
    if (this.cast.identity === 'described') {
      const noun = s.sex === 'f' ? 'woman' : s.sex === 'm' ? 'man' : 'person';
      return this.rng.pick([`a ${noun} not known to {v}`, `an unknown ${noun}`, `a ${noun} {V:does|do} not know`]);
    }
    return this.name(s, false);
  }
  private shortRel(): string {
    return this.cast.relationship === 'ex-partner' ? this.rng.pick(['ex', this.cast.relNoun]) : this.cast.relNoun;
  }
  private relPhrase(): string {
    if (this.cast.identity === 'unknown') return this.log ? 'UNKNOWN SUSP' : 'an unknown person';
    if (this.cast.identity === 'described') return this.log ? this.cast.relShort : `a ${this.cast.relNoun} {V:does|do} not know`;
    // Nobody has "my police officer": the officer is described, not possessed.
    if (this.cast.relationship === 'police officer') return this.log ? 'POLICE OFFICER' : this.rng.pick(['a police officer', 'a serving police officer', 'an officer']);
    if (this.log) return this.rng.pick([`{vp} ${this.cast.relShort}`, this.cast.relShort]);
    if (this.first) return `my ${this.shortRel()}`;
    return `{vp} ${this.cast.relNoun}`;
  }
}

export function capitalise(s: string): string {
  // Only a leading letter: "75+ calls" stays as written.
  const i = s.search(/[A-Za-z0-9"'(]/);
  if (i < 0 || !/[a-z]/.test(s[i]!)) return s;
  return s.slice(0, i) + s[i]!.toUpperCase() + s.slice(i + 1);
}

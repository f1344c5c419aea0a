// Building blocks shared by every scenario: a Builder that collects the parts of one narrative with
// the codes and risk markers each part asserts, plus openers, police actions and closing lines.
import type { BehaviourCode, RiskMarker, Template } from './behaviours.ts';
import { BEHAVIOURS, CODE_RISK, ONLINE_CODES, fits } from './behaviours.ts';
import type { ImpactTemplate } from './impacts.ts';
import type { Order, Style } from './lexicon.ts';
import { repeatedFrequency, singleFrequency, span } from './lexicon.ts';
import type { Cast } from './people.ts';
import type { Rng } from './random.ts';
import { Voice } from './voice.ts';

const HIGH_VOLUME: ReadonlySet<BehaviourCode> = new Set(['A1', 'A2', 'B1', 'B2', 'B3']);

export type Section = 'opener' | 'background' | 'event' | 'ought' | 'risk' | 'impact' | 'action' | 'closing';

export interface Part {
  section: Section;
  text: string;
  codes: BehaviourCode[];
  risk: RiskMarker[];
  online: boolean;
  /** May be dropped to keep the text within its length limits; never carries label evidence. */
  optional: boolean;
}

export interface Draft {
  scenario: string;
  label_stalking: boolean;
  label_s4a: boolean;
  recorded_as: string;
  kind: 'incident' | 'crime';
  opening_code?: string;
  relationship?: string;
  rationale: string;
}

export interface PartOptions {
  codes?: BehaviourCode[];
  risk?: readonly RiskMarker[];
  optional?: boolean;
  fill?: Record<string, string>;
  online?: boolean;
  /** Words put before a behaviour template, e.g. "IP STATES ", "In addition, ". */
  lead?: string;
}

export class Builder {
  readonly voice: Voice;
  readonly parts: Part[] = [];
  readonly usedFiller = new Set<string>();

  constructor(
    readonly rng: Rng,
    readonly style: Style,
    readonly cast: Cast,
    readonly date: Date,
    order?: Order,
  ) {
    this.voice = new Voice(rng, style, cast, date, order);
  }

  get log(): boolean {
    return this.style === 'control_room_log';
  }

  /** Add one sentence from a template; `online` counts only for conduct (event parts). */
  add(section: Section, template: string, options: PartOptions = {}): Part {
    this.voice.online = false;
    const text = this.voice.say(`${options.lead ?? ''}${template}`, options.fill);
    const codes = options.codes ?? [];
    const online = section === 'event' && (options.online === true || this.voice.online || codes.some((c) => ONLINE_CODES.has(c)));
    const part: Part = { section, text, codes, risk: [...(options.risk ?? [])], online, optional: options.optional ?? false };
    this.parts.push(part);
    return part;
  }

  /** Pick one of a list of templates for this style and add it. */
  addOne(section: Section, templates: readonly (string | ImpactTemplate)[], options: PartOptions = {}): Part {
    const usable = templates.filter((t) => typeof t === 'string' || !t.logOnly || this.log);
    const chosen = this.rng.pick(usable);
    const t = typeof chosen === 'string' ? chosen : chosen.t;
    const risk = [...(options.risk ?? []), ...(typeof chosen === 'string' ? [] : (chosen.risk ?? []))];
    return this.add(section, t, { ...options, risk });
  }

  /** Add between `min` and `max` different sentences from a list. */
  addSome(section: Section, min: number, max: number, templates: readonly (string | ImpactTemplate)[], options: PartOptions = {}): void {
    const usable = templates.filter((t) => typeof t === 'string' || !t.logOnly || this.log);
    for (const chosen of this.rng.sample(usable, this.rng.int(min, max))) this.addOne(section, [chosen], options);
  }

  /** A behaviour of DOMAIN §2, repeated (course of conduct) or once. Returns the occasions it supports. */
  behaviour(code: BehaviourCode, role: 'repeat' | 'single', extra: PartOptions = {}): number {
    const templates = BEHAVIOURS[code].filter((t) => fits(t, this.style, role));
    // Some behaviours only read as repeated (new accounts after each block) or only as one event
    // (a tracker found): fall back to whatever this style has, and let the template decide.
    const other: 'repeat' | 'single' = role === 'repeat' ? 'single' : 'repeat';
    const pool: readonly Template[] = templates.length ? templates : BEHAVIOURS[code].filter((t) => fits(t, this.style, other));
    const t = this.rng.pick(pool);
    const mode = t.mode ?? 'any';
    let occasions = 1;
    let fill: Record<string, string>;
    if (mode === 'any' && (role === 'repeat' || !templates.length)) {
      // Only calls and messages come in the hundreds; slashed tyres do not.
      const f = repeatedFrequency(this.rng, this.style, HIGH_VOLUME.has(code) ? 150 : this.rng.int(6, 20));
      occasions = f.occasions;
      fill = { freq: f.text, when: span(this.rng, this.style, this.date, this.cast.relationship === 'ex-partner') };
    } else if (mode === 'repeat') {
      const f = repeatedFrequency(this.rng, this.style, HIGH_VOLUME.has(code) ? 150 : this.rng.int(6, 20));
      occasions = t.t.includes('{freq}') ? f.occasions : 2;
      fill = { freq: f.text, when: span(this.rng, this.style, this.date, this.cast.relationship === 'ex-partner') };
    } else {
      fill = { freq: singleFrequency(this.rng, this.style, this.date).text, when: '' };
    }
    const risk = [...(CODE_RISK[code] ?? []), ...(t.risk ?? []), ...(extra.risk ?? [])];
    this.add('event', t.t, { ...(extra.lead ? { lead: extra.lead } : {}), codes: [code, ...(extra.codes ?? [])], risk, fill: { ...fill, ...(extra.fill ?? {}) }, online: t.online ?? false });
    return occasions;
  }
}

/** Words that open an event sentence, shared by positives and negatives so they give nothing away. */
export const LEADS_FIRST: Record<string, readonly string[]> = {
  control_room_log: ['IP STATES ', 'RP REPORTS ', 'CALLER STATES ', '', '', 'IP REPORTING '],
  officer_summary: ['The victim states that ', 'It is reported that ', '', '', 'The IP reports that '],
  victim_statement: ['', '', 'Recently ', 'What has happened is that '],
};
export const LEADS_MORE: Record<string, readonly string[]> = {
  control_room_log: ['HISTORY: ', 'PREV: ', 'ALSO ', '', '', 'IP ADDS ', 'IN ADDITION '],
  officer_summary: ['In addition, ', 'The victim also reports that ', 'Since then, ', '', '', 'Further, '],
  victim_statement: ['Since then ', 'As well as this, ', 'Also, ', '', '', 'On top of that '],
};

/** Opening line naming who called and about whom. */
export function opener(b: Builder): void {
  const known = b.cast.identity === 'named';
  const log = [
    'RP IS IP ({Vname}) - REPORTING {rel}' + (known ? ' {Sname}' : ''),
    'CALLER {Vname} REPORTS ISSUES WITH {rel}' + (known ? ' ({Sname})' : ''),
    'IP {Vname} CALLING RE {rel}',
    '101 CALL FROM IP {Vname} re {rel}',
    '999 CALL - IP IS {Vname}',
    'CALLER IS IP, {Vname}. REQ POLICE ADVICE RE {rel}',
    'VIW {Vname} REQ POLICE ATTENDANCE',
    'RP {Vname} STATES SHE/HE NEEDS TO SPEAK TO POLICE RE {rel}',
    'ONLINE REPORT REC FROM {Vname}',
  ];
  const summary = [
    'The victim, {Vname}, reports the following in relation to {rel}' + (known ? ', {Sname}.' : '.'),
    'Circumstances: {Vname} has contacted police regarding {rel}' + (known ? ' {Sname}.' : '.'),
    'Victim {Vname} attended the front counter to report matters involving {rel}.',
    'Officers attended following a call from {Vname} about {rel}' + (known ? ', {Sname}.' : '.'),
    'Crime summary: the IP ({Vname}) reports concerns about {rel}.',
    'MO: the suspect' + (known ? ' ({Sname}, {relnoun})' : '') + ' is reported by {Vname} as follows.',
    '{Vname} made an online report regarding {rel}.',
  ];
  const statement = [
    'I am the above named person and I am making this statement about {rel}' + (known ? ', {Sname}.' : '.'),
    'This statement is about {rel}' + (known ? ' {Sname}.' : '.'),
    'I want to tell the police about what has been happening with {rel}.',
    'I am making this statement to report {rel}.',
    'I live locally and I am making this statement about ' + (known ? '{Sname}, who is {rel}.' : '{rel}.'),
  ];
  const pool = b.style === 'control_room_log' ? log : b.style === 'officer_summary' ? summary : statement;
  const t = b.rng.pick(pool).replace('SHE/HE', b.cast.victim.sex === 'm' ? 'HE' : b.cast.victim.sex === 'f' ? 'SHE' : 'THEY');
  b.add('opener', t);
}

/** Police actions; `%RISK%` is filled once the record's risk is known. */
const ACTIONS_GENERIC = [
  'officers attended and spoke to {v}',
  'house-to-house enquiries negative',
  'CCTV enquiries to be completed at {place}',
  'safeguarding advice given',
  '{V:was|was} given the crime reference number',
  'details passed to the neighbourhood team',
  'PNC checks completed on {s}',
  'intel log submitted',
  'referral made to victim services',
  'THRIVE completed by call handler',
  '{V:has|have} been given a diary sheet to record any further incidents',
  'statement to be taken at a later date',
  'call back arranged for tomorrow',
  'no units available - to be dealt with by appointment',
  'unit assigned, eta {n} mins',
  'OIC to review in the morning',
  'previous logs checked',
  'nobody at the scene when officers arrived',
  'both parties known to police',
  'vulnerability assessment completed',
  '{V:was|was} advised to call 999 if anything further happens',
  'ANPR checks requested',
];
const ACTIONS_STALKINGISH = [
  'DASH completed - %RISK%',
  'DASH risk assessed as %RISK%',
  'S-DASH questions asked',
  'referral to IDVA made',
  'SPO to be considered by OIC',
  'flag placed on the address',
  '{S} to be arrested when located',
  '{S} to be interviewed',
  'words of advice given to {s}',
  '{V:was|was} advised to block {s}',
  'digital evidence to be secured',
  '{S} has been spoken to and denies everything',
  'referral to the specialist advocacy service',
  'marker placed on {vp} phone number',
];
const ACTIONS_LOG_ONLY = ['UNITS DEPLOYED', 'OFFS ON SCENE', 'GRADE 2 RESPONSE', 'CRIME NO. GENERATED', 'RP CALLED BACK - NO ANSWER', 'TASKED TO NPT'];

const ACTIONS_MESSAGES = ['screenshots obtained and attached to the log', 'phone not seized; {V:provided|provided} screenshots instead', 'messages viewed by the officer'];
const MESSAGING = new Set(['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'H1', 'H2']);

export function actions(b: Builder, count: number, stalkingish: boolean): void {
  // Evidence actions only where there is something to screenshot, in positives and negatives alike.
  const messages = b.parts.some((p) => p.codes.some((c) => MESSAGING.has(c)));
  const pool = [
    ...ACTIONS_GENERIC,
    ...(stalkingish ? ACTIONS_STALKINGISH : ACTIONS_STALKINGISH.slice(0, 2)),
    ...(b.log ? ACTIONS_LOG_ONLY : []),
    ...(messages ? ACTIONS_MESSAGES : []),
  ];
  for (const t of b.rng.sample(pool, count)) b.add('action', t, { optional: true });
}

const CLOSING_LOG = ['LOG CLOSED', 'RESULT: CRIME RAISED', 'CLOSED - NFA', 'PASSED TO DMM FOR REVIEW', 'LOG TO REMAIN OPEN FOR OIC', 'UNITS STOOD DOWN', 'RES - ADVICE GIVEN', 'CLOSED AS RECORDED', 'ENDS'];
const CLOSING_SUMMARY = [
  'Enquiries ongoing.', 'OIC: PC {nn}{nn} {Slast}.', 'File to be submitted to a supervisor for review.', 'Investigation finalised - outcome 16.',
  'Finalised: outcome 15, evidential difficulties.', 'Awaiting CPS advice.', 'Supervisor review completed.', 'Crime to remain open pending enquiries.',
];
const CLOSING_STATEMENT = [
  'I am willing to go to court.', 'I do not want to go to court but I want this to stop.', 'This statement is true to the best of my knowledge and belief.',
  'I am happy for police to contact me on my mobile.', 'I have nothing further to add.', 'I would like the police to speak to {s}.',
  'I can be contacted on my mobile number, which the police have.',
];

export function closing(b: Builder): void {
  const pool = b.style === 'control_room_log' ? CLOSING_LOG : b.style === 'officer_summary' ? CLOSING_SUMMARY : CLOSING_STATEMENT;
  b.add('closing', b.rng.pick(pool), { optional: true, fill: { Slast: b.rng.pick(['SMITH', 'PATEL', 'JONES', 'OWEN', 'BURKE', 'AKHTAR', 'DAVIES']) } });
}

/** Neutral extra sentences, used to reach a record's length without touching label evidence. */
const FILLER_LOG = [
  'officers attended and spoke to {v} at length',
  'call handler noted {V:was|was} calm but upset',
  'no calls to the address in the last 12 months',
  '{V:lives|live} at the address with {fam}',
  'RP advised of a delay in attendance',
  'call dropped, RP called back on the landline',
  'caller hard to hear, background noise',
  'access to the flat via the rear door, first floor',
  'dogs at the address - secure before attendance',
  'RP requests a female officer',
  'RP requests a call back after {time}',
  'previous logs checked - nothing relevant',
  'no language needs, no interpreter required',
  'update given to RP by phone',
  'sgt aware',
  'unit diverted to a higher grade call, re-allocated',
  'call back made, RP happy to wait',
  'RP has mobility issues, ground floor flat',
  'log reviewed by the duty inspector',
  'resourced by response team',
  'appointment booked for {day}',
  'RP informed of the log number',
  'officer recorded the account on body-worn video',
  'no witnesses at the time',
];
const FILLER_SUMMARY = [
  'Officers attended and spoke to {v} at length.',
  'The account was given calmly and in some detail.',
  '{V:has|have} no previous contact with police.',
  'A crime reference number has been issued.',
  'The preferred contact method is by text message.',
  'No interpreter was required.',
  'The address has no previous calls in the last year.',
  'The log was reviewed by the duty sergeant.',
  'Local CCTV has been requested but may have been overwritten.',
  'Enquiries with neighbours have been completed with no further information.',
  'The OIC has been informed and will make contact.',
  'A callback was completed the following morning.',
  'The account was recorded on body-worn video.',
  'There were no independent witnesses.',
  'The officer noted the dates {V:gave|gave} as accurately as possible.',
  'A victim needs assessment has been completed.',
  '{V:lives|live} at the address with {fam}.',
  'The report was taken at the front counter.',
  'The initial investigation was completed by the attending officer.',
  '{V:was|was} given the details of victim support.',
  'The victim code leaflet was provided.',
  'A full statement is to follow.',
];
const FILLER_STATEMENT = [
  'I have read this statement back and it is correct',
  'I am happy to provide more information if it is needed',
  'the officer has explained the next steps to me',
  'I have been given information about support services',
  'I can be contacted through the officer in the case',
  'I have given this account to the officer at my home',
  'I understand this statement may be used in court',
  'I have tried to give the dates as accurately as I can',
  'I have not left anything out that I can remember',
  'I live with {fam}',
  'I work part time and look after my family',
  'I have lived at my address for {years}',
  'I have not made a report to the police before',
  'I am giving this statement in my own words',
  'I would prefer to be contacted by text',
  'I have spoken to the officer about my needs',
  'I am not on any medication that affects my memory',
];

/** Dated updates that can recur in one record, for long narratives once the pools above run out. */
const UPDATES = [
  'update {time}: {V:was|was} contacted and confirmed the details above',
  'checked again at {time}; no change',
  'note added at {time} by the call handler',
  'further call from {v} at {time} to ask for an update',
  'log reviewed at {time} by the control room supervisor',
];
const UPDATES_STATEMENT = [
  'on {day} I spoke to the officer again and went over the details',
  'I have thought about the dates again since {day} and they are right',
  'I spoke to the officer on the phone on {day}',
];

/** Adds one neutral sentence; `reuse` allows the dated updates once the fixed lines are used up. */
export function filler(b: Builder, reuse = false): boolean {
  const pool = b.style === 'victim_statement' ? FILLER_STATEMENT : b.style === 'officer_summary' ? FILLER_SUMMARY : FILLER_LOG;
  const unused = pool.filter((t) => !b.usedFiller.has(t));
  if (!unused.length) {
    if (!reuse) return false;
    b.add(b.style === 'victim_statement' ? 'closing' : 'action', b.rng.pick(b.style === 'victim_statement' ? UPDATES_STATEMENT : UPDATES), { optional: true });
    return true;
  }
  const t = b.rng.pick(unused);
  b.usedFiller.add(t);
  b.add(b.style === 'victim_statement' ? 'closing' : 'action', t, { optional: true });
  return true;
}

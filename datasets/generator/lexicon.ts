// Interchangeable small parts: counts, frequencies, dates, times, places, platforms, quoted messages.
// Many forms of each so a classifier cannot key on one template's wording.
import type { Rng } from './random.ts';

export type Style = 'control_room_log' | 'officer_summary' | 'victim_statement';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

export function numberWord(n: number): string {
  return WORDS[n] ?? String(n);
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function monthName(d: Date): string {
  return MONTHS[d.getUTCMonth()]!;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${s}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A date written the many ways officers and victims write them. */
export function writeDate(rng: Rng, d: Date, style: Style): string {
  const day = d.getUTCDate();
  const month = d.getUTCMonth();
  const year = d.getUTCFullYear();
  const forms: [string, number][] = [
    [`${pad2(day)}/${pad2(month + 1)}`, style === 'control_room_log' ? 4 : 1],
    [`${pad2(day)}/${pad2(month + 1)}/${String(year).slice(2)}`, style === 'victim_statement' ? 1 : 3],
    [`${ordinal(day)} ${MONTHS[month]}`, style === 'control_room_log' ? 0.5 : 3],
    [`${DAYS[d.getUTCDay()]} ${ordinal(day)}`, style === 'victim_statement' ? 2 : 0.5],
    [`${day} ${MONTHS[month]!.slice(0, 3)}`, 1],
    [`${day} ${MONTHS[month]} ${year}`, style === 'officer_summary' ? 2 : 0.5],
  ];
  return rng.weighted(forms);
}

/** A clock time as a control room writes it (2314HRS) or as a person says it. */
export function writeTime(rng: Rng, style: Style, hour?: number, minute?: number): string {
  const h = hour ?? rng.int(0, 23);
  const m = minute ?? rng.pick([0, 5, 10, 15, 20, 30, 40, 45, 50, rng.int(0, 59)]);
  const hhmm = `${pad2(h)}${pad2(m)}`;
  if (style === 'control_room_log') return rng.pick([`${hhmm}HRS`, `${hhmm}hrs`, `${hhmm}`, `${pad2(h)}:${pad2(m)}`, `${hhmm} HRS`]);
  if (style === 'officer_summary') return rng.pick([`${hhmm} hours`, `${hhmm}hrs`, `${pad2(h)}:${pad2(m)}`]);
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const ampm = h < 12 ? 'am' : 'pm';
  return rng.pick([`${h12}${m ? `:${pad2(m)}` : ''}${ampm}`, `about ${h12}${ampm}`, `${pad2(h)}:${pad2(m)}`, `around ${h12} o'clock`]);
}

/** Log-entry timestamp at the start of a control-room line. */
export function logStamp(rng: Rng, h: number, m: number): string {
  const hhmm = `${pad2(h)}${pad2(m)}`;
  return rng.pick([`${hhmm}HRS`, `${hhmm}hrs`, `${hhmm}`, `[${pad2(h)}:${pad2(m)}]`, `@${hhmm}`, `${pad2(h)}:${pad2(m)}`]);
}

export interface Frequency {
  text: string;
  /** Smallest number of occasions the phrase supports. */
  occasions: number;
}

function count(rng: Rng): number {
  return rng.weighted<() => number>([
    [() => 2, 12],
    [() => 3, 14],
    [() => rng.int(4, 6), 20],
    [() => rng.int(7, 15), 22],
    [() => rng.int(16, 40), 16],
    [() => rng.int(41, 150), 6],
  ])();
}

/** A repetition phrase: "x3", "three times", "on 4 occasions", "every night", "again"... */
export function repeatedFrequency(rng: Rng, style: Style, maxCount = 150): Frequency {
  const n = Math.min(count(rng), maxCount);
  const log = style === 'control_room_log';
  const forms: [() => Frequency, number][] = [
    [() => ({ text: `x${n}`, occasions: n }), log ? 6 : 0.3],
    [() => ({ text: `${n} times`, occasions: n }), 3],
    [() => ({ text: n <= 12 ? `${numberWord(n)} times` : `${n} times`, occasions: n }), log ? 1 : 3],
    [() => ({ text: `on ${n} occasions`, occasions: n }), log ? 1.5 : 3],
    [() => ({ text: `on ${n <= 12 ? numberWord(n) : n} separate occasions`, occasions: n }), log ? 0.5 : 2],
    [() => ({ text: `${n}+ times`, occasions: n }), log ? 2 : 0.5],
    [() => ({ text: `at least ${n} times`, occasions: n }), 1],
    [() => ({ text: `over ${n} times`, occasions: n }), 0.7],
    [() => ({ text: 'twice', occasions: 2 }), 1.2],
    [() => ({ text: 'every night', occasions: 3 }), 1.5],
    [() => ({ text: 'every day', occasions: 3 }), 1],
    [() => ({ text: 'most days', occasions: 3 }), 1],
    [() => ({ text: 'daily', occasions: 3 }), 1.2],
    [() => ({ text: 'several times a week', occasions: 3 }), 1],
    [() => ({ text: 'repeatedly', occasions: 2 }), 2],
    [() => ({ text: 'again and again', occasions: 3 }), 0.6],
    [() => ({ text: 'numerous times', occasions: 3 }), log ? 1.5 : 0.7],
    [() => ({ text: 'constantly', occasions: 3 }), 0.6],
    [() => ({ text: 'again', occasions: 2 }), 1.5],
    [() => ({ text: 'yet again', occasions: 2 }), 0.6],
    [() => ({ text: `${numberWord(Math.min(n, 5) < 3 ? 3 : Math.min(n, 5))} days running`, occasions: 3 }), 0.7],
    [() => ({ text: 'every weekend', occasions: 2 }), 0.5],
    [() => ({ text: 'night after night', occasions: 3 }), 0.4],
    [() => ({ text: 'on a daily basis', occasions: 3 }), 0.6],
    [() => ({ text: 'time after time', occasions: 3 }), 0.3],
    [() => ({ text: 'several times', occasions: 3 }), 1.2],
    [() => ({ text: 'a number of times', occasions: 2 }), 0.8],
    [() => ({ text: n > 3 ? `${n} times in one night` : 'three times in one night', occasions: Math.max(n, 3) }), 0.4],
  ];
  return rng.weighted(forms)();
}

/** A one-occasion phrase for single incidents (often nothing at all). */
export function singleFrequency(rng: Rng, style: Style, when: Date): Frequency {
  const forms: [() => string, number][] = [
    [() => '', 4],
    [() => 'once', 1.2],
    [() => 'on one occasion', 1],
    [() => 'last night', 1.2],
    [() => (style === 'control_room_log' ? 'TONIGHT' : 'this evening'), 1],
    [() => 'earlier today', 1.2],
    [() => 'yesterday', 0.8],
    [() => `on ${DAYS[when.getUTCDay()]}`, 1],
    [() => `at ${writeTime(rng, style)}`, 1],
    [() => `on ${writeDate(rng, when, style)}`, 1.2],
  ];
  return { text: rng.weighted(forms)(), occasions: 1 };
}

/** A time span for a course of conduct, anchored on the record's date so months are consistent. */
export function span(rng: Rng, style: Style, anchor: Date, exPartner: boolean): string {
  const back = rng.int(10, 150);
  const start = addDays(anchor, -back);
  const forms: [() => string, number][] = [
    [() => '', 5],
    [() => `since ${monthName(start)}`, 3],
    [() => `since ${writeDate(rng, start, style)}`, 1.5],
    [() => `over the last ${Math.max(2, Math.round(back / 7))} weeks`, 2],
    [() => 'over the past fortnight', 0.8],
    [() => `for the last ${Math.max(2, Math.round(back / 30))} months`, 1],
    [() => `between ${writeDate(rng, start, style)} and ${writeDate(rng, anchor, style)}`, 1.2],
    [() => 'this week', 0.8],
    [() => `since the start of ${monthName(start)}`, 0.8],
    [() => 'over the weekend', 0.5],
    [() => `in the last ${rng.int(3, 12)} days`, 1],
    [() => (exPartner ? rng.pick(['since they split up', 'since the split', 'since the relationship ended']) : 'recently'), 1.2],
  ];
  return rng.weighted(forms)();
}

export const PLATFORMS = ['Instagram', 'Facebook', 'Snapchat', 'TikTok', 'X', 'Twitter', 'LinkedIn', 'Facebook', 'Instagram'];
export const ONLINE_APPS = ['WhatsApp', 'Messenger', 'Snapchat', 'Instagram DMs', 'Telegram', 'email', 'WhatsApp', 'iMessage'];
export const OFFLINE_APPS = ['text', 'text message', 'SMS'];
export const PLACES = [
  'the supermarket', 'Tesco', 'Aldi', 'the gym', 'the school gates', 'the bus stop', 'the train station', 'the park',
  'the local pub', 'the chemist', 'church', 'the leisure centre', 'the library', 'a café in town', 'the nursery',
  'the shopping centre', 'the petrol station', 'the retail park', 'the mosque', 'the dog field', 'the swimming baths',
  'the high street', 'the doctors surgery', 'Lidl', 'the market',
];
export const CARS = [
  'a silver Ford Focus', 'a black Audi A3', 'a white Transit van', 'a red Vauxhall Corsa', 'a grey BMW', 'a blue Golf',
  'a black Range Rover', 'a white Kia', 'a dark Mercedes', 'a green Fiesta', 'a silver Qashqai', 'a black taxi',
];
export const EMPLOYERS = [
  'the hospital', 'the care home', 'a call centre', 'the council offices', 'a warehouse', 'the school', 'a hair salon',
  'a bank in town', 'the distribution centre', 'a restaurant', 'the university', 'a dental practice', 'a garage',
];
export const ACCOUNTS = ['Instagram', 'Facebook', 'email', 'iCloud', 'Google', 'Amazon', 'online banking', 'Snapchat', 'PayPal'];
export const GIFTS = [
  'flowers', 'a bunch of roses', 'chocolates', 'a teddy bear', 'a bracelet', 'a framed photo of them together',
  'a birthday card', 'perfume', 'a bottle of wine', 'balloons',
];
export const INSULTS = ['a liar', 'a psycho', 'pathetic', 'a waste of space', 'a bad mother', 'a bad father', 'a cheat', 'worthless', 'a grass'];
export const KIDS = ['son', 'daughter', 'little boy', 'little girl', 'eldest', 'youngest', 'daughter', 'son'];
export const FAMILY = ['mum', 'sister', 'brother', 'dad', 'best friend', 'aunt', 'new partner', 'nan', 'cousin'];

/** Messages quoted from the suspect that do not threaten violence. */
export const QUOTES = [
  "why are you ignoring me", 'I just want to talk', 'I saw you today, you looked nice in that blue coat',
  "we're meant to be together", "you can't hide from me forever", 'pick up the phone', "I know you're home",
  "I'll wait as long as it takes", 'answer me', 'I miss you x', "you'll always be mine", "I'm outside",
  'who was that you were with', 'nice haircut', 'you owe me a conversation', 'just five minutes, please',
  "I know you've moved", 'is that your new car?', 'tell your mum I said hi', 'I still love you',
  "you'll come back, you always do", 'I know what you did last night',
];
export const EMOJI_QUOTES = ['I miss you 😢', 'see you soon 😘', 'answer me 😡', '👀', 'nice dress today 😍', 'why 😭😭', 'sleep well 😘😘', '❤️❤️❤️'];

/** Quoted threats to kill or harm (DOMAIN J1). */
export const THREATS = [
  "I'm going to kill you", "you're dead", "I'll slit your throat", 'watch your back',
  "I will burn your house down with you in it", "if I can't have you nobody can", "you won't see Christmas",
  "I'll put you in hospital", "I'll kill him and then you", "you'll end up in a box", "I'll stab you",
  "next time I see you you're finished",
];

export const ORDERS = [
  { name: 'non-molestation order', short: 'NMO', domesticOnly: true },
  { name: 'restraining order', short: 'RO', domesticOnly: false },
  { name: 'bail conditions', short: 'bail conditions', domesticOnly: false },
  { name: 'DVPO', short: 'DVPO', domesticOnly: true },
  { name: 'stalking protection order', short: 'SPO', domesticOnly: false },
] as const;
export type Order = (typeof ORDERS)[number];

export function vrm(rng: Rng): string {
  const L = 'ABCDEFGHJKLMNOPRSTVWXY';
  const l = (): string => L[rng.int(0, L.length - 1)]!;
  return `${l()}${l()}${rng.int(10, 74)} ${l()}${l()}${l()}`;
}

export function phoneTail(rng: Rng): string {
  return String(rng.int(100, 999));
}

// Phrasings for every DOMAIN §2 behaviour code, several per code, shared by the three writing styles
// through the Voice tokens. `{freq}` carries repetition ("x3", "every night") or a one-off ("last night").
import type { Style } from './lexicon.ts';

export const BEHAVIOUR_CODES = [
  'A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'C1', 'C2', 'C3', 'C4', 'C5', 'D1', 'D2', 'D3', 'E1', 'F1', 'F2', 'F3',
  'G1', 'G2', 'H1', 'H2', 'H3', 'I1', 'I2', 'J1', 'J2', 'J3', 'K1', 'L1', 'M1', 'N1',
] as const;
export type BehaviourCode = (typeof BEHAVIOUR_CODES)[number];

/** Risk markers of DOMAIN §4.3 that a part of the text can carry. */
export type RiskMarker =
  | 'threat_to_kill' | 'violence' | 'weapon' | 'tracker' | 'break_in' | 'fear_of_death' // high
  | 'breach' | 'escalation' // high together, medium alone
  | 'separation' | 'suicide_threat' | 'home_visit' | 'spyware' | 'da_history' | 'children' | 'previous_stalking' | 'fear_of_harm';

export interface Template {
  t: string;
  /** any: takes {freq} for one or many occasions; repeat: only makes sense repeated; fixed: one occasion, no {freq}. */
  mode?: 'any' | 'repeat' | 'fixed';
  styles?: readonly Style[];
  risk?: readonly RiskMarker[];
  online?: boolean;
}

const LOG: readonly Style[] = ['control_room_log'];
const PROSE: readonly Style[] = ['officer_summary', 'victim_statement'];

/** Codes whose conduct is online or on connected devices whatever the wording. */
export const ONLINE_CODES: ReadonlySet<BehaviourCode> = new Set(['B1', 'B2', 'B3', 'D2', 'D3', 'H1', 'H2']);

export const CODE_RISK: Partial<Record<BehaviourCode, readonly RiskMarker[]>> = {
  J1: ['threat_to_kill'],
  K1: ['violence'],
  D1: ['tracker'],
  I2: ['break_in'],
  L1: ['breach'],
  J2: ['suicide_threat'],
  C2: ['home_visit'],
  D2: ['spyware'],
  N1: ['spyware'],
};

export const BEHAVIOURS: Record<BehaviourCode, readonly Template[]> = {
  A1: [
    { t: '{S} has rung {v} {freq} {when}, mostly from withheld numbers', mode: 'repeat' },
    { t: '{S} called {v} {freq} {when}' },
    { t: '{V:has|have} had silent calls {freq} {when} and {V:believes|believe} it is {s}', mode: 'repeat' },
    { t: '{S} phoned {vp} landline {freq} {when} and hung up when answered' },
    { t: '{S} rang {vp} mobile {freq} in the early hours' },
    { t: '{S} keeps ringing {v} from different numbers', mode: 'repeat' },
    { t: '{nn}+ calls from withheld numbers since midnight', mode: 'repeat' },
    { t: 'calls from {S} {freq} {when} from a number ending {tail}', styles: LOG },
    { t: '{S} CALLING IP {freq} {when} - IP NOT ANSWERING', styles: LOG },
    { t: '{S} left voicemails {freq} {when} begging {v} to pick up' },
  ],
  A2: [
    { t: '{S} sent {v} messages on {app} {freq} {when}' },
    { t: '{S} has messaged {v} {freq} on {app} after being told to stop' },
    { t: '{S} texted {v} {freq} {when} saying "{quote}"' },
    { t: '{V:has|have} received messages from {s} {freq} {when}, one reading "{quote}"' },
    { t: '{S} emailed {vp} work address {freq} {when}', online: true },
    { t: '{S} is still messaging {v} on {app} despite being asked to stop', mode: 'repeat' },
    { t: 'msgs from {S} on {app} {freq} {when}', styles: LOG },
    { t: '{S} sent {nn} messages in one evening, the last saying "{quote}"', mode: 'fixed' },
    { t: '{S} sent voice notes {freq} {when}' },
  ],
  A3: [
    { t: '{S} put a letter through {vp} door {freq} {when}' },
    { t: 'cards have been left on {vp} windscreen {freq}, unsigned but {V:recognises|recognise} the handwriting as {sp}', mode: 'repeat' },
    { t: 'handwritten notes were left at {vp} door {freq} {when}', mode: 'repeat' },
    { t: '{S} sent a card addressed to {kid} {freq}' },
    { t: 'an unsigned card came through the door {freq}; {V:believes|believe} it is from {s}' },
    { t: 'letters from {S} arriving at {vp} work {freq} {when}', mode: 'repeat' },
  ],
  A4: [
    { t: '{S} approached {v} in {place} {freq} and blocked {vp} path' },
    { t: '{S} came up to {v} outside {place} {freq} {when} asking to talk' },
    { t: '{S} confronted {v} at {place} {freq}' },
    { t: '{S} walked up to {vp} car window at {place} {freq} and would not move away' },
    { t: '{S} stopped {v} in the street {freq} {when} and tried to hug {v}' },
    { t: '{S} APPROACHED IP AT {place} {freq}', styles: LOG },
  ],
  B1: [
    { t: '{S} has commented on {vp} {platform} posts {freq} {when}' },
    { t: '{S} tagged {v} in posts on {platform} {freq} {when}' },
    { t: '{S} posted about {v} on {platform} {freq}, calling {v} {insult}' },
    { t: '{S} sent {v} messages on {platform} {freq} {when}' },
    { t: '{S} comments on every post {V:makes|make}', mode: 'repeat' },
    { t: '{S} keeps sending friend requests on {platform}', mode: 'repeat' },
    { t: '{S} posted photos of {vp} house on {platform} {freq}' },
  ],
  B2: [
    { t: 'each time {V:blocks|block} {s} a new {platform} account appears; {n} accounts so far', mode: 'repeat' },
    { t: '{S} has set up {n} fake profiles to contact {v} after being blocked', mode: 'repeat' },
    { t: 'messages keep coming from new numbers each time {V:blocks|block} the last one', mode: 'repeat' },
    { t: '{S} contacts {v} from alias accounts under different names, {n} so far', mode: 'repeat' },
    { t: 'new {platform} accounts messaging IP after each block, {n} accounts', styles: LOG, mode: 'repeat' },
  ],
  B3: [
    { t: '{S} knew what {V:had|had} posted within minutes', mode: 'fixed' },
    { t: '{S} has been viewing {vp} and {vp} friends\' profiles {freq} {when}', mode: 'repeat' },
    { t: '{S} mentioned things {V:has|have} only shared privately online, {freq}' },
    { t: '{S} looks at {vp} {platform} stories from a private account every day', mode: 'repeat' },
    { t: '{S} has been monitoring {vp} {platform} activity {when}', mode: 'repeat' },
  ],
  C1: [
    { t: '{S} followed {v} home from {place} {freq} {when}' },
    { t: 'the same car ({car}) has been behind {v} on the way to work {freq}', mode: 'repeat' },
    { t: '{S} followed {vp} car in {car} {freq} {when}' },
    { t: '{S} walked behind {v} from {place} to {vp} street {freq}' },
    { t: 'IP FOLLOWED BY SUSP IN VEH {vrm} {freq} {when}', styles: LOG },
    { t: '{S} drove slowly alongside {v} as {V:was|was} walking {freq}' },
    { t: '{S} followed {v} round {place} {freq}' },
  ],
  C2: [
    { t: '{S} turned up at {vp} home address {freq} {when}' },
    { t: '{S} attended {vp} new address {freq}; {V:has|have} no idea how {Sp} found it', risk: ['home_visit'] },
    { t: '{S} was banging on {vp} door at {nighttime} {freq}' },
    { t: '{S} knocked at {vp} door {freq} {when} and would not leave' },
    { t: '{S} ATT IP ADDRESS {freq} {when}', styles: LOG },
    { t: '{S} came to the house {freq} {when} shouting for {v} to come out' },
    { t: '{S} found out where {V:has|have} moved to and has been to the address {freq}' },
  ],
  C3: [
    { t: '{S} waited outside {vp} work {freq} {when}' },
    { t: '{S} turned up at {vp} workplace ({employer}) {freq} asking for {v}' },
    { t: '{S} was in the staff car park at the end of {vp} shift {freq}' },
    { t: '{S} came to the school at pick-up time {freq} {when}' },
    { t: '{S} attended {vp} college {freq} {when}' },
    { t: '{S} AT IP WORK {freq}', styles: LOG },
  ],
  C4: [
    { t: '{S} sat in a parked car opposite {vp} house for hours {freq}' },
    { t: '{S} has been seen loitering in {vp} street {freq} {when}' },
    { t: '{S} has been watching {vp} house {freq} {when}', mode: 'repeat' },
    { t: '{S} took photos of {v} and {vp} house {freq}' },
    { t: 'neighbours have seen {s} standing at the end of the road {freq} {when}' },
    { t: '{car} has been parked across from {vp} flat {freq} with {s} sat in it' },
    { t: '{S} SAT OUTSIDE IP ADDRESS IN {car} {freq}', styles: LOG },
    { t: '{S} was seen hanging around near {place} where {V:works|work}, {freq}' },
  ],
  C5: [
    { t: '{S} keeps turning up at {place} when {V:is|am} there', mode: 'repeat' },
    { t: '{S} "bumped into" {v} at {place} {freq} {when}' },
    { t: '{S} appeared at {place} {freq} while {V:was|was} there' },
    { t: '{S} joined the same gym as {v} and is there whenever {V:is|am}', mode: 'repeat' },
    { t: '{S} keeps bumping into {v} at {place}', mode: 'repeat' },
  ],
  D1: [
    { t: 'a tracking device was found under {vp} car', mode: 'fixed' },
    { t: '{V:found|found} an AirTag in {vp} handbag', mode: 'fixed' },
    { t: '{S} always seems to know where {V:is|am}; a tracker was later found in the wheel arch', mode: 'fixed' },
    { t: 'a Bluetooth tag was found sewn into the lining of {vp} coat', mode: 'fixed' },
    { t: 'tracker located on IP car by garage', styles: LOG, mode: 'fixed' },
  ],
  D2: [
    { t: '{S} has been getting into {vp} {account} account; passwords changed {freq}' },
    { t: 'orders appeared on {vp} Amazon account that {V:did|did} not place', mode: 'fixed', online: true },
    { t: '{S} read {vp} emails and quoted them back to {v}', mode: 'fixed', online: true },
    { t: 'spyware was found on {vp} phone after a check at the phone shop', mode: 'fixed', online: true },
    { t: '{S} logged into {vp} iCloud and went through {vp} photos', mode: 'fixed', online: true },
    { t: '{vp} {account} password was changed {freq} and {V:was|was} locked out' },
  ],
  D3: [
    { t: '{S} can still view {vp} doorbell camera', mode: 'fixed' },
    { t: 'the smart speaker in {vp} kitchen turned on at night and played music {freq}' },
    { t: 'location sharing was switched back on on {vp} phone {freq}' },
    { t: '{S} has access to the CCTV app for {vp} house and commented on who had visited', mode: 'fixed' },
    { t: 'the heating and lights in {vp} flat were changed remotely {freq}' },
  ],
  E1: [
    { t: 'flowers were left on {vp} doorstep {freq} {when}' },
    { t: '{S} sent {gift} to {vp} work {freq}' },
    { t: 'parcels {V:did|did} not order have been arriving {freq}, with notes from {s}', mode: 'repeat' },
    { t: '{S} left {gift} on {vp} car {freq} {when}' },
    { t: 'gifts from {S} keep arriving at the house', mode: 'repeat' },
  ],
  F1: [
    { t: '{S} has messaged {fam} {freq} asking where {V:is|am} living now' },
    { t: '{S} contacted {vp} new partner {freq} {when}' },
    { t: '{S} rang {vp} employer {freq} asking about {v}' },
    { t: '{S} has been turning up at {vp} parents\' house {freq}', mode: 'repeat' },
    { t: '{S} contacted {vp} friends on {platform} {freq} asking about {v}' },
    { t: '{S} called {fam} {freq} {when} wanting to know who {V:is|am} seeing' },
  ],
  F2: [
    { t: '{sp} friend keeps coming into {vp} work asking about {v}', mode: 'repeat' },
    { t: '{S} has got {sp} brother to drive past {vp} house {freq}' },
    { t: 'mutual friends have passed on messages from {s} {freq} {when}' },
    { t: '{sp} mother has been messaging {v} on {sp} behalf {freq}' },
    { t: 'people {V:does|do} not know have been asking about {v} at {place}, and {V:believes|believe} {S} sent them', mode: 'repeat' },
  ],
  F3: [
    { t: '{S} told {vp} friends that {V:is|am} unstable and lying', mode: 'fixed' },
    { t: '{S} has been spreading rumours about {v} at {vp} work {freq}', mode: 'repeat' },
    { t: '{S} messaged {vp} friends {freq} claiming {V:had|had} been abusive' },
    { t: '{S} has turned {vp} family against {v} with lies', mode: 'repeat' },
  ],
  G1: [
    { t: '{S} rang police {freq} alleging {V:is|am} harassing {s}' },
    { t: '{S} has made a counter-allegation against {v}', mode: 'fixed' },
    { t: 'SUSP RANG IN ALLEGING IP HARASSING {s} {freq}', styles: LOG },
  ],
  G2: [
    { t: '{S} has made {n} complaints to {vp} employer about {v}', mode: 'repeat' },
    { t: '{S} reported {v} to social services {freq}' },
    { t: '{S} keeps making applications to the family court', mode: 'repeat' },
    { t: '{S} complained to the housing association about {v} {freq} {when}' },
    { t: '{S} reported {v} to the DVLA and the council {freq} with false information' },
  ],
  H1: [
    { t: '{S} posted intimate photos of {v} on {platform}', mode: 'fixed' },
    { t: '{S} sent intimate images of {v} to {vp} friends {freq}' },
    { t: 'an intimate video of {v} was shared in a group chat by {s}', mode: 'fixed', online: true },
  ],
  H2: [
    { t: 'a dating profile was created in {vp} name with {vp} photos', mode: 'fixed' },
    { t: '{S} set up a fake {platform} account pretending to be {v}', mode: 'fixed' },
    { t: 'messages were sent to {vp} contacts from an account made to look like {vp}', mode: 'fixed' },
    { t: 'an advert was placed online in {vp} name giving {vp} address', mode: 'fixed' },
  ],
  H3: [
    { t: '{S} said {Sp} would send the videos to {vp} boss unless {V:met|met} {s}', mode: 'fixed' },
    { t: '{S} demanded money to delete photos of {v}', mode: 'fixed' },
    { t: '{S} threatened to share intimate pictures unless {V:agreed|agreed} to see {s}', mode: 'fixed' },
  ],
  I1: [
    { t: '{vp} tyres were slashed {freq} {when}' },
    { t: '{S} scratched {vp} car {freq}' },
    { t: '{vp} wing mirrors were smashed {freq} {when}' },
    { t: 'plants in {vp} garden were pulled up {freq}' },
    { t: 'post has been taken from {vp} letterbox {freq} {when}' },
    { t: 'paint was thrown over {vp} front door {freq}' },
    { t: '{vp} windows were put through {freq}' },
    { t: 'CD TO IP VEH {freq} {when}', styles: LOG },
  ],
  I2: [
    { t: '{S} let {Sself} into {vp} flat while {V:was|was} out', mode: 'fixed' },
    { t: 'items in {vp} flat had been moved; nothing taken, no forced entry', mode: 'fixed' },
    { t: '{S} got into the house and left a note on {vp} bed', mode: 'fixed' },
    { t: 'underwear was taken from {vp} bedroom drawer; no sign of forced entry', mode: 'fixed' },
    { t: '{S} still has a key and has been entering {vp} home {freq}', mode: 'repeat' },
  ],
  J1: [
    { t: '{S} threatened to kill {v} {freq} {when}' },
    { t: '{S} told {v} "{threat}"', mode: 'fixed' },
    { t: '{S} threatened to hurt {vp} new partner {freq}' },
    { t: "{S} said if {Sp} can't have {v} no one will", mode: 'fixed' },
    { t: '{S} sent a message saying "{threat}"', mode: 'fixed' },
    { t: '{S} threatened to burn {vp} house down {freq}' },
    { t: 'THREATS TO KILL MADE BY {S} {freq}', styles: LOG },
  ],
  J2: [
    { t: '{S} said {Sp} would kill {Sself} if {V:did|did} not come back', mode: 'fixed' },
    { t: '{S} sent photos of tablets saying {Sp} would end it all', mode: 'fixed' },
    { t: '{S} threatened suicide {freq} {when}' },
    { t: '{S} says {Sp} cannot live without {v}', mode: 'fixed', styles: PROSE },
  ],
  J3: [
    { t: '{S} shouted abuse outside {vp} window {freq} {when}' },
    { t: '{S} called {v} {insult} in the street {freq}' },
    { t: '{S} was aggressive and intimidating towards {v} {freq}' },
    { t: '{S} stood at the door swearing at {v} {freq}' },
    { t: 'VERBAL ABUSE FROM {S} {freq}', styles: LOG },
  ],
  K1: [
    { t: '{S} grabbed {vp} arm when {V:tried|tried} to walk away', mode: 'fixed' },
    { t: '{S} pushed {v} against the wall', mode: 'fixed' },
    { t: '{S} punched {v} in the face', mode: 'fixed' },
    { t: '{S} spat at {v}', mode: 'fixed' },
    { t: '{S} pinned {v} against {vp} car', mode: 'fixed' },
    { t: '{S} grabbed {v} by the throat', mode: 'fixed' },
  ],
  L1: [
    { t: '{S} breached the {order} {freq} {when} by contacting {v}' },
    { t: '{order} in force; {S} seen in {vp} road {freq}' },
    { t: '{S} has contacted {v} {freq} despite the {order} prohibiting contact' },
    { t: 'BREACH OF {order} - {S} ATT ADDRESS {freq}', styles: LOG },
    { t: '{S} has ignored the {order} and kept coming to the area', mode: 'repeat' },
  ],
  M1: [
    { t: '{S} ran checks on {v} on police systems {freq}' },
    { t: '{S} used {sp} police role to find {vp} new address', mode: 'fixed' },
    { t: '{S} contacted {v} off duty {freq} after dealing with {vp} report' },
    { t: '{S} turned up in uniform at {vp} home {freq}' },
    { t: '{S} keeps messaging {v} saying {Sp} needs to update {v} on the case', mode: 'repeat' },
  ],
  N1: [
    { t: 'a download of {sp} phone showed {S} had tracked {v} for months', mode: 'fixed' },
    { t: '{V:later found|later found} out {S} had been reading {vp} messages since {month}', mode: 'fixed' },
    { t: 'enquiries show {S} accessed {vp} location data over several weeks', mode: 'fixed' },
  ],
};

/** Whether a template fits a style and the repeated / single role it is asked to play. */
export function fits(t: Template, style: Style, role: 'repeat' | 'single'): boolean {
  if (t.styles && !t.styles.includes(style)) return false;
  const mode = t.mode ?? 'any';
  return role === 'repeat' ? mode !== 'fixed' : mode !== 'repeat';
}

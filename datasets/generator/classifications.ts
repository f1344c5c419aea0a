// What a record is recorded as (DOMAIN §5.1): the classifications that hide stalking, plus the
// correct stalking ones, with the behaviour each presents with and the relationships it fits.
import type { BehaviourCode } from './behaviours.ts';
import type { Relationship } from './people.ts';

export type ClassKey =
  | 'harassment' | 'malcomms' | 'domestic' | 'criminal_damage' | 'threats_to_kill' | 'burglary' | 'assault' | 'ccb'
  | 'online_fraud' | 'civil' | 'concern' | 'breach' | 'stalking_s2a' | 'stalking_s4a' | 'misconduct';

export interface Classification {
  labels: readonly string[];
  kind: 'incident' | 'crime';
  opening: string;
  /** Behaviours the record presents with; one of them leads the narrative. */
  presenting: readonly BehaviourCode[];
  /** Relationships it can be used for (all when absent). */
  rels?: readonly Relationship[];
  /** Share among positives, before relationship constraints. */
  weight: number;
}

export const CLASSIFICATIONS: Record<ClassKey, Classification> = {
  harassment: {
    labels: ['Harassment', 'Harassment s2', 'Harassment without violence', 'Harassment (PHA 1997 s2)', 'HARASSMENT'],
    kind: 'crime', opening: 'HARASSMENT', presenting: ['A1', 'A2', 'C2', 'A4', 'F1', 'C4', 'B1'], weight: 22,
  },
  malcomms: {
    labels: ['Malicious Communications', 'Malicious Communications Act 1988', 'Malicious comms', 'Sending communications with intent to cause distress'],
    kind: 'crime', opening: 'MALICIOUS COMMUNICATIONS', presenting: ['A2', 'B1', 'A3', 'H1'], weight: 12,
  },
  domestic: {
    labels: ['Domestic incident', 'Domestic incident (non-crime)', 'Domestic - verbal only', 'DA non-crime'],
    kind: 'incident', opening: 'DOMESTIC', presenting: ['C2', 'J3', 'A4'], rels: ['ex-partner', 'family'], weight: 10,
  },
  criminal_damage: {
    labels: ['Criminal Damage', 'Criminal damage to vehicle', 'Criminal Damage (under £5000)'],
    kind: 'crime', opening: 'CRIMINAL DAMAGE', presenting: ['I1'], weight: 6,
  },
  threats_to_kill: {
    labels: ['Threats to Kill', 'Threats to kill s16 OAPA 1861'],
    kind: 'crime', opening: 'THREATS', presenting: ['J1'], weight: 5,
  },
  burglary: {
    labels: ['Burglary dwelling (no loss)', 'Burglary - residential', 'Burglary (no loss)'],
    kind: 'crime', opening: 'BURGLARY', presenting: ['I2'], weight: 4,
  },
  assault: {
    labels: ['Common Assault', 'Assault (common)', 'Assault - battery'],
    kind: 'crime', opening: 'ASSAULT', presenting: ['K1'], weight: 4,
  },
  ccb: {
    labels: ['Controlling or Coercive Behaviour', 'Coercive and controlling behaviour', 'CCB s76 SCA 2015'],
    kind: 'crime', opening: 'DOMESTIC', presenting: ['D2', 'D1', 'A1', 'F1', 'N1'], rels: ['ex-partner', 'family'], weight: 5,
  },
  online_fraud: {
    labels: ['Online fraud', 'Fraud - computer misuse', 'Computer Misuse Act', 'Action Fraud referral'],
    kind: 'crime', opening: 'FRAUD', presenting: ['D2', 'H2'], weight: 3,
  },
  civil: {
    labels: ['Civil dispute', 'Civil matter', 'Civil dispute - child contact'],
    kind: 'incident', opening: 'CIVIL DISPUTE', presenting: ['G2', 'F3'],
    rels: ['ex-partner', 'neighbour', 'family', 'friend', 'colleague', 'acquaintance'], weight: 3,
  },
  concern: {
    labels: ['Concern for safety', 'Concern for welfare', 'Suspicious circumstances'],
    kind: 'incident', opening: 'CONCERN FOR SAFETY', presenting: ['C4', 'C1', 'C2', 'C5'], weight: 5,
  },
  breach: {
    labels: ['Breach of order'], // replaced by the order's own label
    kind: 'crime', opening: 'BREACH OF ORDER', presenting: ['L1'],
    rels: ['ex-partner', 'family', 'acquaintance', 'neighbour', 'friend', 'colleague', 'stranger', 'police officer', 'online-only'], weight: 8,
  },
  stalking_s2a: {
    labels: ['Stalking s2A', 'Stalking (s2A PHA 1997)', 'Stalking - s2A'],
    kind: 'crime', opening: 'STALKING', presenting: ['A1', 'A2', 'C1', 'C2', 'C4', 'B1', 'E1'], weight: 10,
  },
  stalking_s4a: {
    labels: ['Stalking s4A', 'Stalking involving fear of violence or serious alarm or distress (s4A)', 'Stalking s4A PHA'],
    kind: 'crime', opening: 'STALKING', presenting: ['C2', 'C1', 'A4', 'J1', 'A1'], weight: 3,
  },
  misconduct: {
    labels: ['Misconduct in public office', 'Misuse of police systems'],
    kind: 'crime', opening: 'PSD REFERRAL', presenting: ['M1'], rels: ['police officer'], weight: 0,
  },
};

export const ORDER_LABELS: Record<string, string> = {
  NMO: 'Breach of Non-Molestation Order',
  RO: 'Breach of Restraining Order',
  'bail conditions': 'Breach of bail conditions',
  DVPO: 'Breach of DVPO',
  SPO: 'Breach of Stalking Protection Order',
};

/** Positives' relationship shares (DOMAIN §9, SLT figures; "other" spread over online-only and police). */
export const POSITIVE_RELATIONSHIPS: readonly (readonly [Relationship, number])[] = [
  ['ex-partner', 50], ['acquaintance', 10], ['neighbour', 9], ['friend', 6], ['colleague', 5], ['family', 4],
  ['stranger', 7], ['online-only', 4], ['unknown', 2], ['police officer', 3],
];

const BASE: Record<BehaviourCode, number> = {
  A1: 8, A2: 10, A3: 3, A4: 5, B1: 5, B2: 3, B3: 2, C1: 5, C2: 8, C3: 4, C4: 5, C5: 3, D1: 1.5, D2: 2, D3: 1, E1: 2,
  F1: 4, F2: 2, F3: 1.5, G1: 1, G2: 1.5, H1: 1, H2: 1.5, H3: 0.7, I1: 3, I2: 1.2, J1: 2.5, J2: 1.5, J3: 3, K1: 1.5,
  L1: 0, M1: 0, N1: 0.7,
};

const MULT: Partial<Record<Relationship, Partial<Record<BehaviourCode, number>>>> = {
  'ex-partner': { D1: 2, D2: 2, D3: 2, F1: 2, J2: 3, J1: 1.5, I2: 1.5, G2: 1.5, H1: 1.5, K1: 1.5, N1: 1.5 },
  stranger: { C4: 4, C1: 3, C5: 2, E1: 3, A3: 2, A4: 2, A1: 0.3, D1: 0.1, D2: 0.1, D3: 0, F1: 0.2, F2: 0, F3: 0, G1: 0.1, G2: 0, H1: 0.1, H2: 0.2, H3: 0, J2: 0, N1: 0, I2: 0.3 },
  'online-only': {
    B1: 4, B2: 4, B3: 3, A2: 2, H1: 2, H2: 3, H3: 2, D2: 2, F1: 1.5,
    A3: 0, A4: 0, C1: 0, C2: 0, C3: 0, C4: 0, C5: 0, D1: 0, D3: 0, E1: 0, I1: 0, I2: 0, K1: 0, J3: 0, G1: 0.2, F2: 0.3,
  },
  unknown: { A1: 2, A3: 2, E1: 2, I1: 3, C4: 1.5, B2: 2, H2: 1.5, A4: 0, K1: 0, C5: 0, F2: 0, F3: 0, G1: 0, G2: 0, J2: 0, J3: 0, C1: 0.3, C3: 0.3, D1: 0.5, D3: 0, H3: 0, N1: 0, F1: 0.3 },
  neighbour: { C4: 3, I1: 3, J3: 3, D3: 0.5, G2: 3, A3: 1.5, C2: 1.5, D1: 0.3, H1: 0.3, C3: 0.3, N1: 0.2 },
  colleague: { C3: 4, A2: 1.5, F1: 1.5, F3: 2, G2: 2, B3: 1.5, I2: 0.2 },
  acquaintance: { A1: 1.5, A2: 1.5, B1: 1.5, C5: 1.5, F1: 1.5 },
  friend: { A1: 1.5, A2: 1.5, B1: 1.5, C5: 1.5, F1: 1.5, F3: 2 },
  family: { F1: 2, C2: 2, G2: 2, A1: 1.5, J3: 1.5 },
  'police officer': { A2: 1.5, C2: 1.5, B3: 1.5, D1: 0.5 },
};

/** How likely each behaviour is for a relationship (0 = impossible, e.g. following by an online-only contact). */
export function codeWeight(rel: Relationship, code: BehaviourCode): number {
  return BASE[code] * (MULT[rel]?.[code] ?? 1);
}

// The shapes the screening pipeline takes and gives. CONTRACT.md §1-2 fixes the
// public parts; everything here may only be extended compatibly.

/** A record as received (CONTRACT §1). Unknown fields are kept but not scored. */
export interface ScreeningRecord {
  id: string;
  text: string;
  kind?: 'incident' | 'crime';
  recorded_as?: string;
  opening_code?: string;
  occurred_at?: string;
  reported_at?: string;
  victim_ref?: string;
  suspect_ref?: string;
  relationship?: string;
  source?: string;
  [extra: string]: unknown;
}

/** A piece of the ORIGINAL text: text.slice(start, end) === span.text (UTF-16 offsets). */
export interface Span {
  start: number;
  end: number;
  text: string;
}

export type IndicatorCategory =
  | 'behaviour' // DOMAIN §2, codes A1-N1
  | 'impact' // DOMAIN §3, s4A limbs
  | 'risk' // DOMAIN §4.3
  | 'order' // protective orders in force and their breaches
  | 'relationship' // relationship and separation cues (§1.7)
  | 'ought_to_know' // told to stop, blocked, warned, order in force
  | 'digital' // digital lines of enquiry (§8.3)
  | 'dispute' // a genuine dispute (money, property, neighbours, child contact): context, never a rule-out
  | 'conduct' // persistence and frequency language
  | 'model'; // a clause the text model read as raising the score (src/screening/text-model.ts)

/** ConText-style modifiers on one indicator mention, each with the cue that set it. */
export interface ContextFlags {
  negated: boolean;
  hypothetical: boolean;
  historical: boolean;
  other_experiencer: boolean;
  /** Aimed at the victim's family, friends, partner or employer: still counts (PHA s7, DOMAIN F1/F2). */
  proxy: boolean;
  uncertain: boolean;
  /** The suspect alleges this against the victim (G1): shown, not scored as the victim's stalking. */
  counter_allegation: boolean;
  /** Inside a quoted message from the suspect: still counts. */
  quoted: boolean;
  cues: { category: string; span: Span }[];
}

export interface Indicator {
  code: string;
  category: IndicatorCategory;
  label: string;
  spans: Span[];
  source: 'rule' | 'semantic' | 'model';
  rule_id?: string;
  /** Model evidence only: what this span added to the record's logit (stalking, or s4A for code MODEL_S4A). */
  contribution?: number;
  /** Semantic matches only: cosine similarity to the closest exemplar. */
  similarity?: number;
  exemplar?: string;
  weight: number;
  /** s2A(3) statutory example letters (a)-(g) for behaviours. */
  s2a?: string[];
  /** s4A limb for impact indicators: 'i' fear of violence, 'ii' serious alarm or distress. */
  limb?: 'i' | 'ii';
  context?: ContextFlags;
  /** Plain-English reason this span was taken as evidence. */
  reason: string;
}

export interface EvidenceItem {
  reason: string;
  span: Span;
  /** Occasions this piece of evidence alone supports. */
  occasions?: number;
}

export interface FourScores {
  fixated: number;
  obsessive: number;
  unwanted: number;
  repeated: number;
  /** The indicator codes behind each component. */
  codes: { fixated: string[]; obsessive: string[]; unwanted: string[]; repeated: string[] };
}

export interface CourseOfConduct {
  occasions_min: number;
  evidence: EvidenceItem[];
}

export interface S4aAssessment {
  /** Limb (i): separate occasions of fear of violence the text supports. */
  limb_i: { occasions: number; met: boolean; evidence: EvidenceItem[] };
  /** Limb (ii): serious alarm or distress with substantial adverse effect on day-to-day activities. */
  limb_ii: { met: boolean; evidence: EvidenceItem[] };
  ought_to_know: EvidenceItem[];
  /** 's2A', 's4A(i)', 's4A(ii)' or 's4A(i)+(ii)' as a proposal for a human, or null. */
  proposed: string | null;
}

export type RiskLevel = 'high' | 'medium' | 'standard';

export interface RiskAssessment {
  level: RiskLevel;
  markers: { code: string; label: string; span: Span }[];
}

export type FlagCode = 'MISSED_STALKING' | 'POSSIBLE_S4A' | 'BREACH_AS_STALKING' | 'HIGH_RISK' | 'LINKED_PATTERN';

export interface ScreeningResult {
  id: string;
  stalking_score: number;
  stalking_flag: boolean;
  /** The score is at or above the priority band's threshold: the queue puts it first. */
  stalking_priority?: boolean;
  s4a_score: number;
  s4a_flag: boolean;
  /** Default screener: the combining scorer's probability that the record is high risk (DOMAIN 4.3). */
  high_risk_score?: number;
  risk_level: RiskLevel;
  flags: FlagCode[];
  indicators: Indicator[];
  four: FourScores;
  course_of_conduct: CourseOfConduct;
  s4a: S4aAssessment;
  risk: RiskAssessment;
  /** The normalised form of recorded_as, e.g. 'harassment', 'malicious_communications'. */
  recorded_as_class: string | null;
  digital_leads: { code: string; label: string; span: Span }[];
  /** Quality notes for the reviewer, e.g. impact not recorded, online flag missing. */
  notes: string[];
  recommendation: string;
  versions: { rules: string; model: string; scorer: string };
}

/** Operating thresholds: a flag at or above `stalking` / `s4a`; the priority band at or above `priority`. */
export interface Thresholds {
  stalking: number;
  s4a: number;
  priority?: number;
  /** Grade high risk at or above this high-risk score (the rules' markers grade it high too). */
  high_risk?: number;
}

/** What every screener gives: the CLI, API, queue and harness see only this. */
export interface Screener {
  screen(record: ScreeningRecord): Promise<ScreeningResult>;
  readonly thresholds: Thresholds;
  readonly versions: ScreeningResult['versions'];
  close(): Promise<void>;
}

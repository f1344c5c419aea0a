// The labelled dataset format (CONTRACT §3): a record (CONTRACT §1) plus labels and descriptive fields.
import { z } from 'zod';
import { nullsAsAbsent, recordObjectSchema } from '../src/screening/record.ts';

export const STYLES = [
  'control_room_log',
  'officer_summary',
  'victim_statement',
  // The blind-written corpus's kinds of text (datasets/README.md):
  'crime_summary',
  'mg11_statement',
  'officer_note',
  'public_report',
  'third_party_report',
  'referral_note',
  'victim_letter',
  'one_line_log',
  'long_log',
  'esl_account',
  'advice_question',
] as const;
export const RISK_LEVELS = ['high', 'medium', 'standard'] as const;

export const labelledRecordSchema = z.preprocess(
  nullsAsAbsent(['id', 'text', 'label_stalking', 'label_s4a']),
  recordObjectSchema.extend({
  label_stalking: z.boolean(),
  label_s4a: z.boolean(),
  label_risk: z.enum(RISK_LEVELS).optional(),
  style: z.enum(STYLES).optional(),
  relationship: z.string().max(64).optional(),
  online: z.boolean().optional(),
  /** Behaviour/impact/risk codes a human saw in the text (DOMAIN §2-4), e.g. ["A1", "C2"]. */
  indicators: z.array(z.string()).optional(),
  /** One line on why the labels are what they are. */
  rationale: z.string().optional(),
  /** Which scenario or author produced the record, for subgroup analysis ("hard_negative:neighbour_dispute"). */
  scenario: z.string().optional(),
  /** Who wrote the text (blind-written corpus): splits are by writer, so no test writer wrote training text. */
  writer: z.string().optional(),
  /** How sure the labeller was of label_stalking (real posts). */
  confidence: z.enum(['high', 'medium', 'low']).optional(),
  }).refine((r) => !r.label_s4a || r.label_stalking, { message: 'label_s4a requires label_stalking', path: ['label_s4a'] }),
);

export type LabelledRecord = z.infer<typeof labelledRecordSchema>;

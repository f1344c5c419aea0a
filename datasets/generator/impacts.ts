// Victim impact wording (DOMAIN §3). s4A needs fear of violence on two or more occasions (limb i) or
// serious alarm or distress with a substantial adverse effect on day-to-day life (limb ii).
// s2A texts get mild impact, a single frightening occasion, "impact not recorded", or nothing.
import type { RiskMarker } from './behaviours.ts';

export interface ImpactTemplate {
  t: string;
  risk?: readonly RiskMarker[];
  logOnly?: boolean;
}

/** Limb (i): fear of violence on at least two occasions, counted in the sentence itself. */
export const FEAR_TWICE: readonly ImpactTemplate[] = [
  { t: 'on both occasions {V:was|was} terrified {S} was going to attack {v}', risk: ['fear_of_harm'] },
  { t: '{V:feared|feared} {S} would hurt {v} each time {Sp:turned|turned} up, most recently on {date} and {date2}', risk: ['fear_of_harm'] },
  { t: '{V:thought|thought} {Sp:was|were} going to hit {v} on {n} separate occasions', risk: ['fear_of_harm'] },
  { t: '{V:is|am} scared for {vp} life; on {n} occasions {V:believed|believed} {S} would kill {v}', risk: ['fear_of_death'] },
  { t: 'every time {S} has come to the door {V:has|have} been frightened {Sp:was|were} going to hurt {v}, at least {n} times now', risk: ['fear_of_harm'] },
  { t: 'IP IN FEAR OF VIOLENCE ON BOTH OCCASIONS', risk: ['fear_of_harm'], logOnly: true },
  { t: 'IP STATES THOUGHT SUSP WOULD HURT {v} x2 - VERY FRIGHTENED', risk: ['fear_of_harm'], logOnly: true },
  { t: 'VIW BELIEVES SUSP WILL KILL {v} - FEARED FOR LIFE ON {n} OCCASIONS', risk: ['fear_of_death'], logOnly: true },
  { t: 'when {S} was outside on {date} and again on {date2}, {V:was|was} convinced {Sp:was|were} going to be violent', risk: ['fear_of_harm'] },
  { t: '{V:has|have} been in fear of violence on more than one occasion and {V:believes|believe} {S} is capable of killing {v}', risk: ['fear_of_death'] },
  { t: 'twice now {V:has|have} locked {vself} in the bathroom because {V:thought|thought} {S} would attack {v}', risk: ['fear_of_harm'] },
];

/** Limb (ii), first half: serious alarm or distress. */
export const SERIOUS_DISTRESS: readonly ImpactTemplate[] = [
  { t: '{V:is|am} extremely distressed' },
  { t: '{V:is|am} in a very bad way and constantly on edge' },
  { t: '{V:has|have} been having panic attacks' },
  { t: '{V:was|was} crying throughout and said {V:is|am} not coping' },
  { t: '{V:describes|describe} living in constant fear' },
  { t: '{V:is|am} terrified and can no longer cope' },
  { t: 'IP VERY DISTRESSED - NOT COPING', logOnly: true },
  { t: '{V:is|am} at breaking point' },
];

/** Limb (ii), second half: substantial adverse effects on usual day-to-day activities, by kind. */
export const SUBSTANTIAL_EFFECTS: Readonly<Record<string, readonly ImpactTemplate[]>> = {
  moved: [
    { t: '{V:has|have} moved in with {vp} parents' },
    { t: '{V:is|am} staying with a friend after moving out of the flat' },
    { t: '{V:has|have} applied to be rehoused' },
    { t: '{V:moved|moved} house in {month} to get away from {s}' },
    { t: '{V:is|am} sofa-surfing rather than go home' },
  ],
  routes: [
    { t: '{V:has|have} changed {vp} route to work' },
    { t: '{V:now gets|now get} a taxi to work' },
    { t: '{V:no longer walks|no longer walk} the dog alone' },
    { t: '{V:takes|take} a different route every day' },
    { t: '{vp} employer has changed {vp} shifts so {V:is|am} not leaving in the dark' },
  ],
  work: [
    { t: '{V:has|have} been signed off work with anxiety' },
    { t: '{V:has|have} had to take sick leave' },
    { t: '{V:left|left} {vp} job because of what {S} was doing' },
    { t: '{V:has|have} reduced {vp} hours at work' },
    { t: '{V:has|have} dropped out of {vp} college course' },
  ],
  avoid: [
    { t: '{V:has|have} stopped going to the gym' },
    { t: '{V:no longer goes|no longer go} out alone' },
    { t: '{V:has|have} stopped going out at night' },
    { t: '{V:avoids|avoid} town completely now' },
    { t: '{V:has|have} stopped seeing friends' },
  ],
  security: [
    { t: '{V:has|have} had the locks changed' },
    { t: '{V:has|have} fitted a doorbell camera and CCTV' },
    { t: 'a panic alarm has been fitted at {vp} address' },
    { t: '{V:has|have} had extra locks and a window alarm fitted' },
    { t: '{V:sleeps|sleep} with a chair against the bedroom door' },
  ],
  online: [
    { t: '{V:has|have} closed all {vp} social media accounts' },
    { t: '{V:has|have} changed {vp} number twice' },
    { t: '{V:has|have} come off {platform} completely' },
  ],
  vigilance: [
    { t: '{V:checks|check} {vp} car for trackers every morning' },
    { t: '{V:is|am} constantly checking out of the window' },
    { t: '{V:keeps|keep} the curtains shut all day' },
  ],
  health: [
    { t: '{V:is|am} not sleeping' },
    { t: '{V:has|have} been prescribed medication for anxiety by {vp} GP' },
    { t: '{V:has|have} lost weight and {V:is|am} hardly eating' },
    { t: '{V:has|have} started counselling' },
    { t: '{V:has|have} nightmares most nights' },
    { t: '{V:is|am} on anti-depressants since this started' },
  ],
  children: [
    { t: 'the school run is now done by {fam}' },
    { t: 'the children are no longer allowed to play outside' },
    { t: '{kid} has had to change school' },
  ],
};

/** s2A texts: impact short of s4A. */
export const MILD: readonly ImpactTemplate[] = [
  { t: '{V:is|am} upset by it' },
  { t: '{V:wants|want} it to stop' },
  { t: '{V:is|am} fed up with it' },
  { t: '{V:finds|find} it annoying' },
  { t: '{V:feels|feel} uncomfortable' },
  { t: '{V:is|am} not scared of {s} but {V:wants|want} police to have a word' },
  { t: '{V:did|did} not want to give an impact statement' },
  { t: '{V:just wants|just want} to be left alone' },
  { t: 'IP ANNOYED MORE THAN SCARED', logOnly: true },
  { t: 'IP WANTS SUSP SPOKEN TO', logOnly: true },
];

/** Frightened on ONE occasion only: not limb (i). */
export const SINGLE_FEAR: readonly ImpactTemplate[] = [
  { t: '{V:was|was} frightened on {date} but not at other times', risk: ['fear_of_harm'] },
  { t: '{V:was|was} scared on that one occasion' },
  { t: 'apart from {date}, when {V:was|was} shaken, {V:has|have} not felt threatened' },
];

export const NOT_RECORDED: readonly ImpactTemplate[] = [
  { t: 'impact not recorded' },
  { t: 'no VPS taken' },
  { t: 'IMPACT NOT RECORDED', logOnly: true },
  { t: 'impact on victim not known at this time' },
];

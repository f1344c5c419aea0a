// Sentence (and log-entry) boundaries on the normalised text. Context cues never reach
// across them. Logs separate entries with line breaks and " - ", prose with . ! ? and ;
export interface Range {
  start: number;
  end: number;
}

const BOUNDARY = /[.!?]+(?=\s|$|["')])|;|\n| - | -- |\|/g;

export function splitSentences(text: string): Range[] {
  const ranges: Range[] = [];
  let start = 0;
  for (const m of text.matchAll(BOUNDARY)) {
    const end = m.index + m[0].length;
    if (text.slice(start, end).trim()) ranges.push({ start, end });
    start = end;
  }
  if (text.slice(start).trim()) ranges.push({ start, end: text.length });
  return ranges;
}

/** Index of the range containing `pos` (binary search); ranges are sorted and contiguous. */
export function rangeIndexAt(ranges: Range[], pos: number): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ranges[mid]!.start <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

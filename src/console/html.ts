// A tagged template for HTML that escapes every interpolated value unless it is already Html.
// Narratives are untrusted text typed by the public and officers: nothing reaches the page unescaped.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** html`<p>${untrusted}</p>`: values are escaped; Html values and arrays of them are inserted as they are. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Marks a string the caller has built safely (e.g. from escapeHtml) as Html. */
export function raw(value: string): Html {
  return new Html(value);
}

/** An attribute that is present or absent, e.g. ${attr('checked', isChecked)}. */
export function attr(name: string, on: boolean): Html {
  return new Html(on ? ` ${name}` : '');
}

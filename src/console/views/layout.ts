// The page frame: skip link, landmarks (banner, navigation, main, contentinfo), role-aware
// navigation, who is signed in, sign-out, and one notice region for the outcome of the last action.
import type { Role } from '../../store/schema.ts';
import { type Html, html } from '../html.ts';

export const BASE = '/console';

export type Section = 'queue' | 'record' | 'audit' | 'health' | 'keys' | 'sign-in' | 'error';

export interface Viewer {
  name: string;
  role: Role;
  csrf: string;
  /** What the role may do in the console (from the API's role grants). */
  /** queue:review: claim, release own claims, decide. */
  canReview: boolean;
  /** audit:read: the audit trail and queue health pages. */
  canSupervise: boolean;
  /** queue:release-any: free another reviewer's claim. */
  canReleaseAny: boolean;
  /** keys:manage: the API keys page (list, create, revoke). */
  canManageKeys: boolean;
}

export interface Notice {
  kind: 'success' | 'error' | 'info';
  text: string;
}

export interface PageOptions {
  title: string;
  section: Section;
  viewer: Viewer | null;
  assets: { css: string; js: string };
  notice?: Notice | null | undefined;
  body: Html;
}

export const csrfField = (viewer: Viewer) => html`<input type="hidden" name="_csrf" value="${viewer.csrf}">`;

function navLink(href: string, label: string, current: boolean): Html {
  return html`<li><a href="${href}"${current ? html` aria-current="page"` : ''}>${label}</a></li>`;
}

export function noticeHtml(notice: Notice | null | undefined): Html {
  if (!notice) return html``;
  // role=alert for errors so they are announced; status for confirmations.
  return html`<div class="notice notice-${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}"><strong>${notice.kind === 'error' ? 'Problem: ' : notice.kind === 'success' ? 'Done: ' : 'Note: '}</strong>${notice.text}</div>`;
}

export function page(o: PageOptions): Html {
  const v = o.viewer;
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title} · Stalking screener</title>
<link rel="stylesheet" href="${o.assets.css}">
<script src="${o.assets.js}" defer></script>
</head>
<body data-section="${o.section}">
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
  <p class="brand"><a href="${BASE}/queue">Stalking screener</a> <span class="brand-sub">Screening unit console</span></p>
  ${
    v
      ? html`<nav aria-label="Main">
    <ul>
      ${navLink(`${BASE}/queue`, 'Queue', o.section === 'queue')}
      ${v.canSupervise ? navLink(`${BASE}/health`, 'Queue health', o.section === 'health') : ''}
      ${v.canSupervise ? navLink(`${BASE}/audit`, 'Audit trail', o.section === 'audit') : ''}
      ${v.canManageKeys ? navLink(`${BASE}/keys`, 'API keys', o.section === 'keys') : ''}
    </ul>
  </nav>
  <div class="who">
    <span>Signed in as <strong>${v.name}</strong> <span class="role">(${v.role})</span></span>
    <form method="post" action="${BASE}/sign-out">${csrfField(v)}<button type="submit" class="button-link">Sign out</button></form>
  </div>`
      : ''
  }
</header>
<main id="main" tabindex="-1">
${noticeHtml(o.notice)}
${o.body}
</main>
<footer class="site-footer">
  <p>The screener alerts; people decide. Every record you open and every decision you make is kept in the audit trail.</p>
</footer>
</body>
</html>`;
}

// Sign-in and error pages.
import { type Html, html } from '../html.ts';
import { BASE } from './layout.ts';

export function signInBody(error: string | null, next: string | null = null): Html {
  return html`<div class="narrow">
<h1>Sign in</h1>
<p>Paste the API key you were given (from <code>stalking-screener keys create</code>). The server checks it and keeps you signed in for this browser session; the key is not shown again.</p>
<form method="post" action="${BASE}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}" class="stack" novalidate>
  ${error ? html`<div class="field-error" id="key-error" role="alert">${error}</div>` : ''}
  <div class="field">
    <label for="key">API key</label>
    <input id="key" name="key" type="password" autocomplete="off" spellcheck="false" autocapitalize="off" required
      aria-describedby="key-hint${error ? ' key-error' : ''}"${error ? html` aria-invalid="true"` : ''} autofocus>
    <p class="hint" id="key-hint">Reviewer, supervisor and admin keys can use the console; ingest keys cannot.</p>
  </div>
  <button type="submit" class="primary">Sign in</button>
</form>
</div>`;
}

export function errorBody(status: number, heading: string, message: string): Html {
  return html`<div class="narrow">
<h1>${heading}</h1>
<p>${message}</p>
<p class="muted-text">Status ${status}.</p>
<p><a href="${BASE}/queue">Back to the queue</a></p>
</div>`;
}

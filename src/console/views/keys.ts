// Admin pages: the API keys (never a secret or its hash), a form to create one, the new key shown
// once, and revoking with a confirmation step. The work is the store's (store/keys.ts), as for the CLI.
import { KEY_NAME_RULE, type KeySummary } from '../../store/keys.ts';
import { ROLES, type Role } from '../../store/schema.ts';
import { type Html, html } from '../html.ts';
import { timeEl } from './format.ts';
import { BASE, type Viewer, csrfField } from './layout.ts';

/** What each role may do, in the words an admin chooses by (the grants are in server/plugins/auth.ts). */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  ingest: 'A system that sends records: screens and stores them, cannot read them back or use the console.',
  reviewer: 'Works the queue in the console: opens records, claims and decides them.',
  supervisor: 'As a reviewer, plus the audit trail, queue health, exports and freeing other reviewers’ claims.',
  admin: 'Runs the service: API keys, metrics, the audit trail and exports. Reads records but does not decide them.',
};

export interface KeyForm {
  name?: string;
  role?: string;
  errors?: { field: 'name' | 'role'; message: string }[];
}

export interface KeysView {
  keys: KeySummary[];
  /** The key asked to be revoked (?revoke=ID), shown for confirmation. */
  confirm?: KeySummary | undefined;
  form?: KeyForm | undefined;
}

const isOwn = (k: KeySummary, viewer: Viewer) => !k.revoked_at && k.name === viewer.name;

function confirmPanel(k: KeySummary, viewer: Viewer): Html {
  return html`<section class="panel emphasis" id="confirm" aria-labelledby="confirm-h">
  <h2 id="confirm-h">Revoke the key “${k.name}”?</h2>
  <p>Key ${k.id}, role ${k.role}, created ${timeEl(k.created_at)}. Anything that uses it is refused from now on. This cannot be undone: to let it back in, create a new key.</p>
  ${isOwn(k, viewer) ? html`<p class="warning" role="note">This is the key you are signed in with: revoking it signs you out.</p>` : ''}
  <form method="post" action="${BASE}/keys/${k.id}/revoke" class="inline-actions">
    ${csrfField(viewer)}
    <button type="submit" class="primary">Revoke “${k.name}”</button>
    <a href="${BASE}/keys">Cancel</a>
  </form>
</section>`;
}

function keyTable(keys: KeySummary[], viewer: Viewer): Html {
  if (!keys.length) return html`<p class="empty">There are no keys.</p>`;
  return html`<div class="table-wrap" role="region" aria-labelledby="keys-caption" tabindex="0">
<table class="keys">
  <caption id="keys-caption">API keys, oldest first</caption>
  <thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
  <tbody>
  ${keys.map(
    (k) => html`<tr data-key-id="${k.id}" class="${k.revoked_at ? 'muted-row' : ''}">
    <td class="num">${k.id}</td>
    <th scope="row">${k.name}${isOwn(k, viewer) ? html` <span class="muted-text">(your key)</span>` : ''}</th>
    <td>${k.role}</td>
    <td>${timeEl(k.created_at)}</td>
    <td>${k.revoked_at ? html`Revoked ${timeEl(k.revoked_at)}` : html`<strong>Active</strong>`}</td>
    <td>${
      k.revoked_at
        ? ''
        : html`<form method="get" action="${BASE}/keys"><input type="hidden" name="revoke" value="${k.id}"><button type="submit" class="small">Revoke…<span class="visually-hidden"> key ${k.name}</span></button></form>`
    }</td>
  </tr>`,
  )}
  </tbody>
</table>
</div>`;
}

function createForm(viewer: Viewer, form: KeyForm | undefined): Html {
  const error = (field: 'name' | 'role') => form?.errors?.find((e) => e.field === field)?.message;
  const nameError = error('name');
  const roleError = error('role');
  return html`<section class="panel" aria-labelledby="create-h">
  <h2 id="create-h">Create a key</h2>
  ${
    form?.errors?.length
      ? html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h3>The key was not created</h3><ul>${form.errors.map((e) => html`<li><a href="#${e.field === 'name' ? 'key-name' : 'key-role-0'}">${e.message}</a></li>`)}</ul></div>`
      : ''
  }
  <form method="post" action="${BASE}/keys" class="stack" id="create-key">
    ${csrfField(viewer)}
    <div class="field">
      <label for="key-name">Name</label>
      <p class="hint" id="key-name-hint">Who or what will use it, e.g. <code>cad-adapter</code> or <code>j.smith</code>: ${KEY_NAME_RULE}. It is the name the audit trail shows.</p>
      ${nameError ? html`<p class="field-error" id="key-name-error">${nameError}</p>` : ''}
      <input id="key-name" name="name" maxlength="64" required autocomplete="off" spellcheck="false" value="${form?.name ?? ''}"
        aria-describedby="key-name-hint${nameError ? ' key-name-error' : ''}"${nameError ? html` aria-invalid="true"` : ''}>
    </div>
    <fieldset${roleError ? html` aria-describedby="key-role-error"` : ''}>
      <legend>Role</legend>
      ${roleError ? html`<p class="field-error" id="key-role-error">${roleError}</p>` : ''}
      ${ROLES.map(
        (role, i) => html`<div class="radio"><input type="radio" name="role" id="key-role-${i}" value="${role}" required${form?.role === role ? html` checked` : ''}>
        <label for="key-role-${i}"><strong>${role}</strong>: ${ROLE_DESCRIPTIONS[role]}</label></div>`,
      )}
    </fieldset>
    <button type="submit" class="primary">Create key</button>
  </form>
</section>`;
}

export function keysBody(v: KeysView, viewer: Viewer): Html {
  return html`<h1>API keys</h1>
<p class="lede">Every key that exists or has existed. A key’s secret is shown once, when it is created, and is not kept: only a hash of it is stored. Creating, revoking and listing keys are recorded in the audit trail.</p>
${v.confirm ? confirmPanel(v.confirm, viewer) : ''}
${keyTable(v.keys, viewer)}
${createForm(viewer, v.form)}`;
}

/** The one page that ever shows a key's secret: the answer to the create form. */
export function keyCreatedBody(k: { id: number; name: string; role: Role; key: string }): Html {
  return html`<div class="narrow">
<h1>Key created</h1>
<dl class="facts">
  <div><dt>Name</dt><dd>${k.name}</dd></div>
  <div><dt>Role</dt><dd>${k.role}</dd></div>
  <div><dt>Id</dt><dd>${k.id}</dd></div>
</dl>
<div class="warning" role="note" id="new-key-note">
  <p><strong>Copy the key now: it will not be shown again.</strong> Only a hash of it is kept, so no one can look it up later. If it is lost, revoke it and create another.</p>
</div>
<div class="field">
  <label for="new-key">The new ${k.role} key</label>
  <input id="new-key" class="secret" readonly value="${k.key}" autocomplete="off" spellcheck="false" aria-describedby="new-key-note new-key-use">
  <p class="hint" id="new-key-use">${k.role === 'ingest' ? html`A system sends it with each request as <code>Authorization: Bearer KEY</code>.` : html`Give it to its holder over a secure channel; they paste it into the console’s sign-in page, or send it to the API as <code>Authorization: Bearer KEY</code>.`}</p>
</div>
<p><a href="${BASE}/keys">I have copied it: back to API keys</a></p>
</div>`;
}

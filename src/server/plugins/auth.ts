// API-key authentication and role checks for every /v1 route: 401 without a valid key, 403 when the
// key's role lacks the route's permission. A route without a declared permission is refused (fail closed).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Store } from '../../store/database.ts';
import { findActiveKey, hashKey } from '../../store/keys.ts';
import type { Role } from '../../store/schema.ts';
import { ApiError } from '../errors.ts';

export type Permission =
  | 'screen'
  | 'records:write'
  | 'records:read'
  | 'queue:read'
  | 'queue:review'
  | 'queue:release-any'
  | 'audit:read'
  | 'export'
  | 'metrics:read'
  | 'keys:manage';

// Ingest clients write but cannot read narratives back; reviewers work the queue; supervisors also
// read the audit log, export decisions and free abandoned claims; admins run the service (and create
// and revoke keys, in the console or with the CLI) but do not decide cases.
export const GRANTS: Record<Role, readonly Permission[]> = {
  ingest: ['screen', 'records:write'],
  reviewer: ['screen', 'records:read', 'queue:read', 'queue:review'],
  supervisor: ['screen', 'records:read', 'queue:read', 'queue:review', 'queue:release-any', 'audit:read', 'export'],
  admin: ['screen', 'records:write', 'records:read', 'queue:read', 'audit:read', 'export', 'metrics:read', 'keys:manage'],
};

export interface Principal {
  name: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

/** The bearer token, or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

// A positive lookup is trusted for a few seconds, so a busy client does not cost a query per request;
// a revoked key therefore stops working within CACHE_MS.
const CACHE_MS = 10_000;
const CACHE_MAX = 10_000;

/** Cached lookups, and a generation that a revocation moves on: a lookup begun before it is not cached. */
type KeyCache = Map<string, { principal: Principal; until: number }> & { generation?: number };
// The caches of the apps on each store, so a process that revokes a key (the console, the admin
// socket) refuses it at once rather than within CACHE_MS.
const cachesByStore = new WeakMap<Store, Set<KeyCache>>();

/** Forgets every cached key lookup on this store: call after revoking a key in this process. */
export function forgetCachedKeys(store: Store): void {
  for (const cache of cachesByStore.get(store) ?? []) {
    cache.clear();
    cache.generation = (cache.generation ?? 0) + 1;
  }
}

export const authPlugin = fp(async (app: FastifyInstance, opts: { store: Store }) => {
  const cache: KeyCache = new Map();
  const caches = cachesByStore.get(opts.store) ?? new Set<KeyCache>();
  cachesByStore.set(opts.store, caches.add(cache));
  app.addHook('onClose', async () => {
    caches.delete(cache);
  });
  app.decorateRequest('principal', null as unknown as Principal);

  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request);
    if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'send an API key as "Authorization: Bearer KEY"', 'authorization');
    const hash = hashKey(token);
    const now = Date.now();
    let principal = cache.get(hash);
    if (!principal || principal.until < now) {
      const generation = cache.generation;
      const found = await findActiveKey(opts.store.db, hash);
      if (!found) {
        cache.delete(hash);
        throw new ApiError(401, 'UNAUTHENTICATED', 'the API key is not valid or has been revoked', 'authorization');
      }
      if (cache.size >= CACHE_MAX) cache.clear();
      principal = { principal: { name: found.name, role: found.role }, until: now + CACHE_MS };
      // A key revoked while this lookup ran may have been found active: use it for this request, never cache it.
      if (cache.generation === generation) cache.set(hash, principal);
    }
    request.principal = principal.principal;
    const needed = request.routeOptions.config?.permission;
    if (!needed || !GRANTS[principal.principal.role].includes(needed)) {
      throw new ApiError(403, 'FORBIDDEN', `the "${principal.principal.role}" role may not ${request.method} ${request.routeOptions.url ?? 'this route'}`, 'authorization');
    }
  });
});

/** The caller's permissions, for routes that vary what they allow (e.g. releasing others' claims). */
export function can(request: FastifyRequest, permission: Permission): boolean {
  return GRANTS[request.principal.role].includes(permission);
}

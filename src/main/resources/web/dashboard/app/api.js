// The one way the dashboard talks to Parley: fetch on the same origin with the session cookie, the
// CSRF token (kept in memory only, never in storage) on every write, and problem answers as errors.

let csrfToken = null;

export class Problem extends Error {
  constructor(status, body) {
    super(body && (body.detail || body.title) ? (body.detail || body.title) : 'HTTP ' + status);
    this.status = status;
    this.body = body || {};
  }
  /** Field errors of a 400, as "field: message" lines. */
  fieldErrors() {
    return (this.body.errors || []).map(e => (e.field ? e.field + ': ' : '') + e.message);
  }
}

export function setCsrf(token) {
  csrfToken = token || null;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let onUnauthenticated = () => {};

export function whenUnauthenticated(fn) {
  onUnauthenticated = fn;
}

/** Calls the API; body is JSON unless it is FormData. Answers the parsed JSON (or text, or null). */
export async function call(method, path, body, extraHeaders) {
  const headers = Object.assign({ 'Accept': 'application/json' }, extraHeaders || {});
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (UNSAFE.has(method) && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  const res = await fetch(path, init);
  const type = res.headers.get('Content-Type') || '';
  let parsed = null;
  if (res.status !== 204) {
    parsed = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/v1/auth/login') {
      onUnauthenticated();
    }
    throw new Problem(res.status, typeof parsed === 'object' ? parsed : { detail: String(parsed) });
  }
  return parsed;
}

export const get = (path) => call('GET', path);
export const post = (path, body, headers) => call('POST', path, body === undefined ? {} : body, headers);
export const patch = (path, body) => call('PATCH', path, body);
export const put = (path, body) => call('PUT', path, body);
export const del = (path, body) => call('DELETE', path, body);

/** A query string from the non-empty values of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') {
      q.set(k, v);
    }
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

/** A fresh Idempotency-Key for one create, so a double click or a retried request creates one thing. */
export function idempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return { 'Idempotency-Key': 'dash-' + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('') };
}

/**
 * Server-sent events on the same origin (the session cookie goes with them; CSP connect-src 'self' allows
 * it). Calls onEvent(parsed data) for each event of that name; answers the EventSource so the caller closes it.
 */
export function stream(path, eventName, onEvent, onError) {
  const source = new EventSource(path);
  source.addEventListener(eventName, (e) => {
    let data = null;
    try {
      data = JSON.parse(e.data);
    } catch (bad) {
      return;
    }
    onEvent(data);
  });
  if (onError) {
    source.addEventListener('error', onError);
  }
  return source;
}

// Building pages from data without innerHTML: every value becomes a text node, so nothing the API
// returns (names, CSV cells, provider errors) can inject markup or script.

import { Problem } from './api.js';

/** h('a', {href: '#/x', class: 'btn', onclick: fn}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'value') {
      el.value = v;
    } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'required' || k === 'multiple') {
      el[k] = Boolean(v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) {
      continue;
    }
    if (Array.isArray(c)) {
      append(el, c);
    } else if (c instanceof Node) {
      el.appendChild(c);
    } else {
      el.appendChild(document.createTextNode(String(c)));
    }
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function when(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString();
}

export function text(v) {
  return v === undefined || v === null || v === '' ? '—' : String(v);
}

export function statusBadge(status) {
  return h('span', { class: 'badge status-' + status }, status);
}

/** A table with a header row; rows are arrays of cells (strings or nodes). */
export function table(headers, rows, empty) {
  if (!rows.length) {
    return h('p', { class: 'empty' }, empty || 'Nothing here yet.');
  }
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map(r => h('tr', {}, r.map(c => h('td', {}, c)))))));
}

/** A labelled form control. */
export function field(label, control, hint) {
  const id = control.id || ('f-' + Math.random().toString(36).slice(2));
  control.id = id;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('small', { class: 'hint' }, hint) : null);
}

export function input(name, attrs) {
  return h('input', Object.assign({ name, type: 'text' }, attrs || {}));
}

export function select(name, options, selected, attrs) {
  return h('select', Object.assign({ name }, attrs || {}),
    options.map(o => {
      const [value, label] = Array.isArray(o) ? o : [o, o];
      return h('option', { value, selected: value === selected }, label);
    }));
}

export function button(label, onclick, attrs) {
  return h('button', Object.assign({ type: 'button', onclick }, attrs || {}), label);
}

/** A live region that shows success or a problem (with its field errors and request id). */
export function notice() {
  const el = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  el.ok = (msg) => clear(el, h('p', { class: 'ok' }, msg));
  el.fail = (err) => {
    const lines = err instanceof Problem ? err.fieldErrors() : [];
    const id = err instanceof Problem && err.body.requestId ? ' (request ' + err.body.requestId + ')' : '';
    clear(el, h('div', { class: 'error', role: 'alert' },
      h('p', {}, (err && err.message ? err.message : String(err)) + id),
      lines.length ? h('ul', {}, lines.map(l => h('li', {}, l))) : null));
  };
  el.reset = () => clear(el);
  return el;
}

/** Runs an async action from a button or form: disables it meanwhile, reports failure in the notice. */
export async function act(control, note, fn) {
  if (control) {
    control.disabled = true;
  }
  try {
    note && note.reset();
    return await fn();
  } catch (e) {
    note ? note.fail(e) : console.error(e);
    return undefined;
  } finally {
    if (control) {
      control.disabled = false;
    }
  }
}

export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) {
      continue;
    }
    out[el.name] = el.type === 'checkbox' ? el.checked : el.value;
  }
  return out;
}

export function page(title, ...children) {
  return [h('h1', { tabindex: '-1', id: 'page-title' }, title), ...children];
}

/** A "More" button that loads the next page of a paginated list into the given tbody-producing callback. */
export function pager(nextCursor, load) {
  if (!nextCursor) {
    return null;
  }
  const b = button('Load more', () => load(nextCursor), { class: 'secondary' });
  return h('p', {}, b);
}

export function card(label, value, extra) {
  return h('div', { class: 'card' }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value),
    extra ? h('div', { class: 'card-extra' }, extra) : null);
}

// The import wizard: upload → mapping (suggested by Parley) → preview → live progress → report, with the
// rejected rows downloadable. Calls POST /v1/imports/preview, POST /v1/imports, GET /v1/imports/{id}
// and links GET /v1/imports/{id}/rejects.

import * as api from '../api.js';
import { h, clear, table, field, input, select, button, notice, act, page, when, text, statusBadge } from '../ui.js';
import { go } from '../main.js';

const TARGETS = ['ignore', 'phone', 'email', 'firstName', 'lastName', 'timezone', 'locale'];
const STEPS = ['Upload', 'Mapping', 'Preview', 'Progress', 'Report'];

function steps(current) {
  return h('ol', { class: 'steps', 'aria-label': 'Import steps' },
    STEPS.map((s, i) => h('li', { 'aria-current': i === current ? 'step' : null }, (i + 1) + '. ' + s)));
}

export async function render(ctx) {
  const settings = await api.get('/v1/settings').catch(() => ({}));
  const lists = await api.get('/v1/lists?limit=200').catch(() => ({ data: [] }));
  const recent = await api.get('/v1/imports?limit=10').catch(() => ({ data: [] }));
  const body = h('div', { id: 'wizard' });
  const wizard = { file: null, region: settings.defaultRegion || '', list: '', listName: '', preview: null, mapping: {}, lists: lists.data };
  uploadStep(body, wizard);
  return page('Import contacts', body,
    h('section', {}, h('h2', {}, 'Recent imports'),
      table(['Started', 'File', 'Status', 'Imported', 'Rejected', ''], recent.data.map(j => [when(j.createdAt), text(j.fileName),
        statusBadge(j.status), String(j.imported + j.updated), String(j.rejected), h('a', { href: '#/imports/' + j.id }, 'Report')]), 'No imports yet.')));
}

function options(w, withMapping) {
  const form = new FormData();
  form.append('file', w.file, w.file.name);
  if (w.region) {
    form.append('region', w.region);
  }
  if (withMapping) {
    form.append('mapping', JSON.stringify(w.mapping));
  }
  return form;
}

function uploadStep(body, w) {
  const lists = w.lists;
  const note = notice();
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv,text/plain', required: true, id: 'import-file' });
  const region = input('region', { value: w.region, maxlength: 2, placeholder: 'GB', id: 'import-region' });
  const list = select('list', [['', 'No list'], ['new', 'A new list…'], ...lists.map(l => [l.id, l.name])], w.list, { id: 'import-list' });
  const listName = input('listName', { id: 'import-list-name', placeholder: 'name of the new list' });
  const next = h('button', { type: 'submit', id: 'import-upload' }, 'Upload and suggest a mapping');
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(next, note, async () => {
      if (!file.files.length) {
        throw new Error('Choose a CSV file first.');
      }
      w.file = file.files[0];
      w.region = region.value.trim().toUpperCase();
      w.list = list.value;
      w.listName = listName.value.trim();
      w.preview = await api.post('/v1/imports/preview', options(w, false));
      w.mapping = Object.assign({}, w.preview.suggestedMapping);
      mappingStep(body, w);
    });
  } },
  field('CSV file', file, 'UTF-8 or Windows-1252; comma, semicolon, tab or pipe separated; the first row names the columns.'),
  h('div', { class: 'row' },
    field('Default region', region, 'For phone numbers written without +country code (ISO 3166, e.g. GB, NG, US).'),
    field('Add to list', list), field('New list name', listName)),
  h('div', {}, next), note);
  clear(body, steps(0), h('section', {}, form));
}

function mappingStep(body, w) {
  const note = notice();
  const headers = w.preview.headers;
  const controls = headers.map(col => {
    const choices = [...TARGETS, 'attributes.' + col];
    const current = w.mapping[col] || 'ignore';
    if (!choices.includes(current)) {
      choices.push(current);
    }
    return select('map-' + col, choices, current, { 'data-column': col, id: 'map-' + headers.indexOf(col) });
  });
  const next = h('button', { type: 'submit', id: 'import-preview' }, 'Preview');
  const back = button('Back', () => uploadStep(body, w), { class: 'secondary' });
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(next, note, async () => {
      controls.forEach(c => { w.mapping[c.dataset.column] = c.value; });
      w.preview = await api.post('/v1/imports/preview', options(w, true));
      previewStep(body, w);
    });
  } },
  h('p', {}, 'Parley suggested a field for each column from its name. Change any that are wrong.'),
  table(['Column', 'Fills'], headers.map((col, i) => [h('label', { for: controls[i].id }, col), controls[i]])),
  h('p', { class: 'hint' }, 'Encoding ' + w.preview.encoding + ', delimiter "' + (w.preview.delimiter === '\t' ? 'tab' : w.preview.delimiter) + '", about ' + w.preview.rowsTotalEstimate + ' rows.'),
  h('div', { class: 'actions' }, back, next), note);
  clear(body, steps(1), h('section', {}, form));
}

function previewStep(body, w) {
  const note = notice();
  const p = w.preview;
  const policy = select('policy', [['fillBlanks', 'Fill blanks of existing contacts'], ['overwrite', 'Overwrite existing contacts']], 'fillBlanks', { id: 'import-policy' });
  const unmapped = h('input', { type: 'checkbox', name: 'unmapped', id: 'import-unmapped' });
  const smsConsent = select('smsConsent', [['', 'Leave SMS consent as is'], ['optedIn', 'SMS opted in'], ['optedOut', 'SMS opted out']], '', { id: 'import-consent' });
  const start = h('button', { type: 'submit', id: 'import-start' }, 'Start import');
  const back = button('Back to mapping', () => mappingStep(body, w), { class: 'secondary' });
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(start, note, async () => {
      const form = options(w, true);
      form.append('policy', policy.value);
      form.append('unmappedAsAttributes', unmapped.checked ? 'true' : 'false');
      if (smsConsent.value) {
        form.append('consent', 'sms=' + smsConsent.value);
      }
      if (w.list === 'new' && w.listName) {
        form.append('listName', w.listName);
      } else if (w.list && w.list !== 'new') {
        form.append('listId', w.list);
      }
      const job = await api.post('/v1/imports', form, api.idempotencyKey());
      go('/imports/' + job.id);
    });
  } },
  h('p', {}, 'The first ' + p.rows.length + ' rows as they will be imported. Rows with a problem will be rejected and listed in the report.'),
  table(['Line', 'Phone', 'Email', 'First name', 'Last name', 'Problem'],
    p.rows.map(r => [String(r.line), text(r.phone), text(r.email), text(r.firstName), text(r.lastName), r.problem ? h('strong', {}, r.problem) : '—']), 'The file has no data rows.'),
  p.problems && p.problems.length ? h('ul', { class: 'error' }, p.problems.map(x => h('li', {}, x))) : null,
  h('div', { class: 'row' }, field('Existing contacts', policy), field('Consent for every row', smsConsent),
    h('label', { class: 'check', for: 'import-unmapped' }, unmapped, 'Keep ignored columns as attributes')),
  h('div', { class: 'actions' }, back, start), note);
  clear(body, steps(2), h('section', {}, form));
}

/** Progress while the import runs (polled every second), then its report. */
export async function renderJob(ctx) {
  const id = ctx.args[0];
  const holder = h('div', { id: 'import-job' });
  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));

  async function refresh() {
    const job = await api.get('/v1/imports/' + id);
    const running = job.status === 'queued' || job.status === 'running';
    if (running) {
      const total = Math.max(job.rowsTotalEstimate || 0, job.processed || 0, 1);
      clear(holder, steps(3), h('section', {},
        h('p', {}, statusBadge(job.status), ' ', job.processed + ' of about ' + job.rowsTotalEstimate + ' rows'),
        h('progress', { max: String(total), value: String(job.processed), 'aria-label': 'Rows processed' }),
        button('Cancel import', () => api.post('/v1/imports/' + id + '/cancel').then(refresh).catch(() => {}), { class: 'danger' })));
      timer = setTimeout(() => refresh().catch(e => clear(holder, String(e.message))), 1000);
    } else {
      clear(holder, steps(4), report(job));
    }
  }
  await refresh();
  return page('Import ' + id, h('p', {}, h('a', { href: '#/imports' }, '← Imports')), holder);
}

function report(job) {
  return h('section', { id: 'import-report' },
    h('h2', {}, 'Report'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', { id: 'import-status' }, statusBadge(job.status)),
      h('dt', {}, 'File'), h('dd', {}, text(job.fileName)),
      h('dt', {}, 'Rows processed'), h('dd', {}, String(job.processed)),
      h('dt', {}, 'New contacts'), h('dd', { id: 'import-imported' }, String(job.imported)),
      h('dt', {}, 'Updated'), h('dd', {}, String(job.updated)),
      h('dt', {}, 'Unchanged'), h('dd', {}, String(job.unchanged)),
      h('dt', {}, 'Rejected'), h('dd', { id: 'import-rejected' }, String(job.rejected)),
      h('dt', {}, 'Started'), h('dd', {}, when(job.startedAt)),
      h('dt', {}, 'Finished'), h('dd', {}, when(job.finishedAt)),
      job.error ? [h('dt', {}, 'Error'), h('dd', {}, job.error)] : null),
    job.rejected > 0
      ? h('p', {}, h('a', { class: 'button', id: 'import-rejects', href: '/v1/imports/' + job.id + '/rejects', download: 'rejected-' + job.id + '.csv' },
        'Download the ' + job.rejected + ' rejected rows (CSV)'))
      : h('p', { class: 'hint' }, 'No rows were rejected.'),
    job.listId ? h('p', {}, h('a', { href: '#/contacts?listId=' + job.listId }, 'See the imported list')) : null);
}

// The campaign wizard: audience → content (live SMS segment count, POST /v1/templates/preview) → delivery
// (send window, rate, guarantee) → preview (POST /v1/campaigns/{id}/preview: audience, suppressed, segments,
// cost) → keep as draft, schedule or launch. The draft is saved (POST, then PATCH) when the preview step
// opens, because the preview is of a saved campaign. Also edits a draft or scheduled campaign.

import * as api from '../api.js';
import { h, clear, table, field, input, select, button, notice, act, page, text } from '../ui.js';
import { go } from '../main.js';

const STEPS = ['Audience', 'Content', 'Delivery', 'Preview and launch'];
const DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

function steps(current) {
  return h('ol', { class: 'steps', 'aria-label': 'Campaign steps' },
    STEPS.map((s, i) => h('li', { 'aria-current': i === current ? 'step' : null }, (i + 1) + '. ' + s)));
}

function blank() {
  return {
    id: null, name: '', channel: 'sms', listIds: [], excludeListIds: [], source: 'inline', templateId: '',
    subject: '', text: '', html: '', windowOn: false, days: DAYS.slice(0, 5), from: '09:00', to: '20:00',
    fallbackTimezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', ratePerSecond: '',
    guarantee: 'atMostOnce', requireOptIn: false,
  };
}

function fromCampaign(c) {
  const w = blank();
  Object.assign(w, { id: c.id, name: c.name, channel: c.channel, listIds: c.audience.listIds,
    excludeListIds: c.audience.excludeListIds || [], source: c.templateId ? 'template' : 'inline',
    templateId: c.templateId || '', subject: c.content?.subject || '', text: c.content?.text || '',
    html: c.content?.html || '', ratePerSecond: c.ratePerSecond ? String(c.ratePerSecond) : '',
    guarantee: c.guarantee || 'atMostOnce', requireOptIn: Boolean(c.requireOptIn) });
  if (c.sendWindow) {
    Object.assign(w, { windowOn: true, days: c.sendWindow.days || DAYS, from: c.sendWindow.from, to: c.sendWindow.to,
      fallbackTimezone: c.sendWindow.fallbackTimezone || w.fallbackTimezone });
  }
  return w;
}

/** The campaign definition the API takes, from the wizard's state. */
function definition(w) {
  const body = { name: w.name, channel: w.channel, audience: { listIds: w.listIds, excludeListIds: w.excludeListIds },
    guarantee: w.guarantee, requireOptIn: w.requireOptIn };
  if (w.source === 'template') {
    body.templateId = w.templateId;
  } else {
    body.content = w.channel === 'email' ? { subject: w.subject, text: w.text || null, html: w.html || null } : { text: w.text };
  }
  if (w.windowOn) {
    body.sendWindow = { days: w.days, from: w.from, to: w.to, fallbackTimezone: w.fallbackTimezone };
  }
  if (w.ratePerSecond) {
    body.ratePerSecond = Number(w.ratePerSecond);
  }
  return body;
}

export async function render(ctx) {
  return wizard(ctx, blank(), 'New campaign');
}

export async function renderEdit(ctx) {
  const c = await api.get('/v1/campaigns/' + ctx.args[0]);
  return wizard(ctx, fromCampaign(c), 'Edit ' + c.name);
}

async function wizard(ctx, w, title) {
  const [lists, templates] = await Promise.all([
    api.get('/v1/lists?limit=200').then(a => a.data),
    api.get('/v1/templates?limit=200').then(a => a.data).catch(() => []),
  ]);
  const body = h('div', { id: 'campaign-wizard' });
  const env = { body, lists, templates, onLeave: ctx.onLeave };
  audienceStep(env, w);
  return page(title, h('p', {}, h('a', { href: '#/campaigns' }, '← Campaigns')), body);
}

function checkboxes(name, lists, chosen, idPrefix) {
  if (!lists.length) {
    return h('p', { class: 'empty' }, 'No lists yet: create one under Lists or import contacts.');
  }
  return h('div', { class: 'checks', role: 'group' }, lists.map((l, i) =>
    h('label', { class: 'check', for: idPrefix + i },
      h('input', { type: 'checkbox', name, value: l.id, id: idPrefix + i, checked: chosen.includes(l.id) }),
      l.name + ' (' + l.memberCount + ')')));
}

function picked(form, name) {
  return Array.from(form.querySelectorAll('input[name="' + name + '"]:checked')).map(x => x.value);
}

function audienceStep(env, w) {
  const note = notice();
  const name = input('name', { value: w.name, required: true, maxlength: 200, id: 'cmp-name' });
  const channel = select('channel', [['sms', 'SMS'], ['email', 'Email']], w.channel, { id: 'cmp-channel' });
  const next = h('button', { type: 'submit', id: 'cmp-next-1' }, 'Next: content');
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    note.reset();
    w.name = name.value.trim();
    w.channel = channel.value;
    w.listIds = picked(form, 'list');
    w.excludeListIds = picked(form, 'exclude');
    if (!w.name || !w.listIds.length) {
      note.fail(new Error(!w.name ? 'Give the campaign a name.' : 'Choose at least one list to send to.'));
      return;
    }
    contentStep(env, w);
  } },
  h('div', { class: 'row' }, field('Name', name), field('Channel', channel)),
  h('fieldset', {}, h('legend', {}, 'Send to members of'), checkboxes('list', env.lists, w.listIds, 'cmp-list-')),
  h('fieldset', {}, h('legend', {}, 'Except members of'), checkboxes('exclude', env.lists, w.excludeListIds, 'cmp-exclude-')),
  h('div', { class: 'actions' }, next), note);
  clear(env.body, steps(0), h('section', {}, form));
}

function contentStep(env, w) {
  const note = notice();
  const ofChannel = env.templates.filter(t => t.channel === w.channel);
  const source = select('source', [['inline', 'Write it here'], ['template', 'Use a saved template']], w.source, { id: 'cmp-source' });
  const template = select('templateId', [['', 'Choose a template'], ...ofChannel.map(t => [t.id, t.name])], w.templateId, { id: 'cmp-template' });
  const subject = input('subject', { value: w.subject, id: 'cmp-subject', maxlength: 998 });
  const textBox = h('textarea', { name: 'text', id: 'cmp-text', rows: '5', value: w.text });
  const html = h('textarea', { name: 'html', id: 'cmp-html', rows: '5', value: w.html });
  const count = h('p', { class: 'hint', id: 'cmp-sms-count', 'aria-live': 'polite' });
  const email = w.channel === 'email';
  const inlineBox = h('div', { class: 'form' },
    email ? field('Subject', subject) : null,
    field(email ? 'Text' : 'Message', textBox, 'Variables such as {{firstName}} are filled in per contact.'),
    email ? field('HTML (optional)', html) : null);
  const templateBox = h('div', { id: 'cmp-template-box' }, ofChannel.length ? field('Template', template)
    : h('p', { class: 'empty' }, 'No ' + w.channel + ' templates yet.'));
  let timer = null;
  let asked = 0;

  function sync() {
    inlineBox.hidden = source.value !== 'inline';
    templateBox.hidden = source.value !== 'template';
  }

  async function measure() {
    const mine = ++asked;
    const inline = source.value === 'inline';
    if ((inline && !textBox.value && !subject.value) || (!inline && !template.value)) {
      clear(count, inline ? 'Type the message to see its length.' : '');
      return;
    }
    try {
      const p = inline
        ? await api.post('/v1/templates/preview', { channel: w.channel, subject: email ? subject.value : undefined, text: textBox.value || null,
          html: email ? (html.value || null) : undefined })
        : await api.post('/v1/templates/' + template.value + '/preview', {});
      if (mine !== asked) {
        return;
      }
      const unknown = p.unknownVariables && p.unknownVariables.length ? ' · no value yet for ' + p.unknownVariables.join(', ') : '';
      clear(count, p.sms
        ? [h('strong', { id: 'cmp-segments' }, p.sms.segments + (p.sms.segments === 1 ? ' segment' : ' segments')),
          ' · ' + p.sms.characters + ' characters · ' + (p.sms.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2 (Unicode)') + unknown]
        : ['Renders fine' + unknown]);
    } catch (e) {
      if (mine === asked) {
        clear(count, h('span', { class: 'error' }, e.message));
      }
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(measure, 250);
  }
  env.onLeave(() => clearTimeout(timer));
  [textBox, subject, html].forEach(x => x.addEventListener('input', later));
  template.addEventListener('change', later);
  source.addEventListener('change', () => {
    sync();
    later();
  });

  const back = button('Back', () => audienceStep(env, w), { class: 'secondary' });
  const next = h('button', { type: 'submit', id: 'cmp-next-2' }, 'Next: delivery');
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    note.reset();
    Object.assign(w, { source: source.value, templateId: template.value, subject: subject.value, text: textBox.value, html: html.value });
    if (w.source === 'template' ? !w.templateId : !(w.text || w.html)) {
      note.fail(new Error(w.source === 'template' ? 'Choose a template.' : 'Write the message.'));
      return;
    }
    deliveryStep(env, w);
  } }, field('Content', source), inlineBox, templateBox, count, h('div', { class: 'actions' }, back, next), note);
  sync();
  clear(env.body, steps(1), h('section', {}, form));
  measure();
}

function deliveryStep(env, w) {
  const note = notice();
  const windowOn = h('input', { type: 'checkbox', id: 'cmp-window', checked: w.windowOn });
  const days = h('div', { class: 'checks', role: 'group', 'aria-label': 'Days' }, DAYS.map(d =>
    h('label', { class: 'check', for: 'cmp-day-' + d }, h('input', { type: 'checkbox', name: 'day', value: d, id: 'cmp-day-' + d,
      checked: w.days.includes(d) }), d)));
  const from = input('from', { type: 'time', value: w.from, id: 'cmp-from' });
  const to = input('to', { type: 'time', value: w.to, id: 'cmp-to' });
  const zone = input('fallbackTimezone', { value: w.fallbackTimezone, id: 'cmp-zone' });
  const windowBox = h('div', { class: 'form' }, days, h('div', { class: 'row' }, field('From', from), field('Until', to),
    field('Time zone when the recipient\'s is unknown', zone, 'IANA name, e.g. Europe/London')));
  const rate = input('ratePerSecond', { type: 'number', min: '0.1', step: '0.1', value: w.ratePerSecond, id: 'cmp-rate', placeholder: 'no limit of its own' });
  const guarantee = select('guarantee', [['atMostOnce', 'At most once (never resend after an unclear answer)'],
    ['atLeastOnce', 'At least once (resend after an unclear answer)']], w.guarantee, { id: 'cmp-guarantee' });
  const optIn = h('input', { type: 'checkbox', id: 'cmp-optin', checked: w.requireOptIn });
  const sync = () => { windowBox.hidden = !windowOn.checked; };
  windowOn.addEventListener('change', sync);
  sync();
  const back = button('Back', () => contentStep(env, w), { class: 'secondary' });
  const next = h('button', { type: 'submit', id: 'cmp-next-3' }, 'Save draft and preview');
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    Object.assign(w, { windowOn: windowOn.checked, days: Array.from(days.querySelectorAll('input:checked')).map(x => x.value),
      from: from.value, to: to.value, fallbackTimezone: zone.value.trim(), ratePerSecond: rate.value,
      guarantee: guarantee.value, requireOptIn: optIn.checked });
    act(next, note, async () => {
      const saved = w.id
        ? await api.patch('/v1/campaigns/' + w.id, definition(w))
        : await api.post('/v1/campaigns', definition(w), api.idempotencyKey());
      w.id = saved.id;
      await previewStep(env, w);
    });
  } },
  h('label', { class: 'check', for: 'cmp-window' }, windowOn, 'Send only within hours (in each recipient\'s time zone)'),
  windowBox,
  h('div', { class: 'row' }, field('Messages per second', rate, 'On top of the provider\'s and the tenant\'s limits.'), field('Guarantee', guarantee)),
  h('label', { class: 'check', for: 'cmp-optin' }, optIn, 'Only contacts who opted in on this channel'),
  h('div', { class: 'actions' }, back, next), note);
  clear(env.body, steps(2), h('section', {}, form));
}

function previewFacts(p) {
  const a = p.audience || {};
  const facts = h('dl', { class: 'facts', id: 'cmp-preview' },
    h('dt', {}, 'In the lists'), h('dd', {}, text(a.total)),
    h('dt', {}, 'Will receive it'), h('dd', { id: 'cmp-eligible' }, text(a.eligible)),
    h('dt', {}, 'Suppressed'), h('dd', { id: 'cmp-suppressed' }, text(a.suppressed)),
    h('dt', {}, 'Opted out'), h('dd', { id: 'cmp-opted-out' }, text(a.optedOut)),
    h('dt', {}, 'No address for the channel'), h('dd', { id: 'cmp-missing' }, text(a.missingAddress)),
    h('dt', {}, 'In two lists (sent once)'), h('dd', {}, text(a.duplicates)),
    h('dt', {}, 'Excluded'), h('dd', {}, text(a.excluded)),
    h('dt', {}, 'Estimated cost'), h('dd', { id: 'cmp-cost' },
      p.costEstimate ? p.costEstimate.amount + ' ' + p.costEstimate.currency : 'no price known for these routes'));
  const variants = (p.variants || []).map(v => [text(v.name), text(v.weight),
    v.sms ? v.sms.segments + ' (' + v.sms.characters + ' ' + v.sms.encoding + ')' : '—', text(v.subject)]);
  const routes = (p.byRoute || []).map(r => [text(r.providerId), text(r.prefix), text(r.recipients), r.price === null || r.price === undefined ? '—' : r.price + ' ' + text(r.currency)]);
  return [facts,
    variants.length ? [h('h3', {}, 'Content'), table(['Variant', 'Weight', 'SMS segments', 'Subject'], variants)] : null,
    routes.length ? [h('h3', {}, 'Routes'), table(['Provider', 'Prefix', 'Recipients', 'Price each'], routes)] : null];
}

async function previewStep(env, w) {
  const note = notice();
  const summary = h('div', { id: 'cmp-preview-box' });
  try {
    const p = await api.post('/v1/campaigns/' + w.id + '/preview');
    clear(summary, previewFacts(p));
  } catch (e) {
    if (e instanceof api.Problem && (e.status === 404 || e.status === 405)) {
      clear(summary, h('p', { class: 'empty', id: 'cmp-preview-missing' },
        'Preview not available on this server: the audience and cost are counted when the campaign launches.'));
    } else {
      note.fail(e);
    }
  }
  const startAt = input('startAt', { type: 'datetime-local', id: 'cmp-start-at' });
  const back = button('Back', () => deliveryStep(env, w), { class: 'secondary' });
  const draft = button('Keep as draft', () => go('/campaigns/' + w.id), { class: 'secondary', id: 'cmp-keep-draft' });
  const schedule = button('Schedule', (e) => act(e.target, note, async () => {
    if (!startAt.value) {
      throw new Error('Choose when to start.');
    }
    await api.post('/v1/campaigns/' + w.id + '/schedule', { startAt: new Date(startAt.value).toISOString() });
    go('/campaigns/' + w.id);
  }), { class: 'secondary', id: 'cmp-schedule' });
  const launch = button('Launch now', (e) => act(e.target, note, async () => {
    await api.post('/v1/campaigns/' + w.id + '/launch');
    go('/campaigns/' + w.id);
  }), { id: 'cmp-launch' });
  clear(env.body, steps(3), h('section', {},
    h('p', {}, 'Saved as draft ', h('a', { href: '#/campaigns/' + w.id }, w.id), '. Nothing is sent until you launch or schedule it.'),
    summary,
    h('div', { class: 'row' }, field('Start at (your time)', startAt), h('div', {}, schedule)),
    h('div', { class: 'actions' }, back, draft, launch), note));
}

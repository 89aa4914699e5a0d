// BullMQ anchor for `parley bench delivery` (SPEC §7): the same three measures, taken on BullMQ + Redis
// in the same run. Usage: node bullmq-anchor.mjs '{"jobs":50000,"concurrency":50,...}'
// Prints exactly one JSON object on stdout (the figures, or {"error": "..."} with a non-zero exit);
// progress goes to stderr. Connects only to Redis at 127.0.0.1 (port from the option redisPort, 6379).
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { Queue, Worker } from 'bullmq';

const opts = {
  jobs: 50000, concurrency: 50, duePerSecond: 1000, dueSeconds: 10,
  limiterRate: 100, limiterJobs: 500, timeoutSeconds: 120, redisPort: 6379,
  ...JSON.parse(process.argv[2] || '{}'),
};
const connection = { host: '127.0.0.1', port: opts.redisPort, maxRetriesPerRequest: null };
const runId = `parley-anchor-${process.pid}-${Date.now().toString(36)}`;
const opened = []; // queues and workers to close and obliterate at the end
let phase = 'start';
let timedOut = false;
let stopping = false; // set by cleanup: stop adding jobs
let adding = Promise.resolve(); // the addBulk in flight, awaited before obliterating

const log = (msg) => process.stderr.write(`[bullmq-anchor] ${msg}\n`);
const finish = (code, obj) => process.stdout.write(JSON.stringify(obj) + '\n', () => process.exit(code));

const timer = setTimeout(async () => {
  timedOut = true;
  const error = `timeout after ${opts.timeoutSeconds} s in phase ${phase}`;
  await Promise.race([cleanup(), new Promise((resolve) => setTimeout(resolve, 15000))]);
  finish(2, { error });
}, opts.timeoutSeconds * 1000);

const percentile = (sorted, p) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

function openQueue(suffix) {
  const queue = new Queue(`${runId}-${suffix}`, { connection });
  queue.on('error', (e) => log(`queue error: ${e.message}`));
  opened.push(queue);
  return queue;
}

// A worker that is ready but not yet running; `done` resolves once `count` jobs have completed.
async function openWorker(queue, processor, count, workerOpts = {}) {
  let completed = 0;
  let resolveDone;
  const done = new Promise((resolve) => { resolveDone = resolve; });
  const worker = new Worker(queue.name, processor, { connection, autorun: false, ...workerOpts });
  worker.on('error', (e) => log(`worker error: ${e.message}`));
  worker.on('failed', (job, e) => log(`job ${job?.id} failed: ${e.message}`));
  worker.on('completed', () => { if (++completed === count) resolveDone(performance.now()); });
  opened.unshift(worker); // close workers before queues
  await worker.waitUntilReady();
  return { worker, done };
}

async function addInChunks(queue, count, jobAt) {
  for (let i = 0; i < count; i += 1000) {
    const chunk = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) chunk.push(jobAt(j));
    if (stopping) throw new Error('stopped');
    adding = queue.addBulk(chunk);
    await adding;
  }
}

// Fails fast when Redis is down (BullMQ's own connections would retry forever); returns its version.
function preflight() {
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket = connect({ host: '127.0.0.1', port: opts.redisPort });
    socket.setTimeout(3000, () => socket.destroy(new Error('no answer in 3 s')));
    socket.on('error', (e) => reject(new Error(`Redis not reachable at 127.0.0.1:${opts.redisPort}: ${e.message}`)));
    socket.on('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      const version = /redis_version:(\S+)/.exec(reply)?.[1];
      if (version || reply.startsWith('-')) {
        socket.destroy();
        version ? resolve(version) : reject(new Error(`Redis said ${reply.trim()}`));
      }
    });
  });
}

// No-op throughput: the backlog is queued first, then a worker drains it (processing only).
async function noop() {
  phase = 'noop';
  const queue = openQueue('noop');
  log(`no-op: adding ${opts.jobs} jobs`);
  await addInChunks(queue, opts.jobs, () =>
    ({ name: 'noop', data: {}, opts: { removeOnComplete: true, removeOnFail: true } }));
  const { worker, done } = await openWorker(queue, async () => {}, opts.jobs, { concurrency: opts.concurrency });
  const start = performance.now();
  worker.run().catch((e) => log(`worker run: ${e.message}`));
  const end = await done;
  const seconds = (end - start) / 1000;
  log(`no-op: ${opts.jobs} jobs in ${seconds.toFixed(2)} s`);
  return { jobs: opts.jobs, concurrency: opts.concurrency, seconds: +seconds.toFixed(3),
    jobsPerSecond: Math.round(opts.jobs / seconds) };
}

// Scheduling lateness: job i falls due at t0 + 2 s + i/duePerSecond s.
async function delayed() {
  phase = 'delayed';
  const count = opts.duePerSecond * opts.dueSeconds;
  const queue = openQueue('delayed');
  const lateness = [];
  const { worker, done } = await openWorker(queue, async (job) => {
    lateness.push(Date.now() - (job.timestamp + job.opts.delay));
  }, count, { concurrency: opts.concurrency });
  worker.run().catch((e) => log(`worker run: ${e.message}`));
  const t0 = Date.now();
  log(`delayed: adding ${count} jobs due at ${opts.duePerSecond}/s`);
  await addInChunks(queue, count, (i) => ({ name: 'delayed', data: {}, opts: {
    timestamp: t0, delay: Math.round(2000 + (i * 1000) / opts.duePerSecond),
    removeOnComplete: true, removeOnFail: true } }));
  const addedAfterMs = Date.now() - t0;
  if (addedAfterMs > 2000) log(`delayed: WARNING adding took ${addedAfterMs} ms, past the first due time`);
  await done;
  const sorted = lateness.slice().sort((a, b) => a - b);
  log(`delayed: p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms`);
  return { jobs: count, duePerSecond: opts.duePerSecond, p50LatenessMs: percentile(sorted, 50),
    p99LatenessMs: percentile(sorted, 99), maxLatenessMs: sorted[sorted.length - 1] };
}

// Rate-limit pacing: the most completions inside any sliding 1000 ms window.
async function limiter() {
  phase = 'limiter';
  const queue = openQueue('limiter');
  log(`limiter: ${opts.limiterJobs} jobs at max ${opts.limiterRate} per 1000 ms`);
  await addInChunks(queue, opts.limiterJobs, () =>
    ({ name: 'limited', data: {}, opts: { removeOnComplete: true, removeOnFail: true } }));
  const stamps = [];
  const { worker, done } = await openWorker(queue, async () => {}, opts.limiterJobs, {
    concurrency: opts.concurrency, limiter: { max: opts.limiterRate, duration: 1000 } });
  worker.on('completed', () => stamps.push(Date.now()));
  worker.run().catch((e) => log(`worker run: ${e.message}`));
  await done;
  stamps.sort((a, b) => a - b);
  let max = 0;
  for (let lo = 0, hi = 0; hi < stamps.length; hi++) {
    while (stamps[hi] - stamps[lo] >= 1000) lo++;
    max = Math.max(max, hi - lo + 1);
  }
  log(`limiter: max ${max} in any sliding second`);
  return { rate: opts.limiterRate, jobs: opts.limiterJobs, maxInAnySlidingSecond: max,
    ratio: +(max / opts.limiterRate).toFixed(3) };
}

let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    stopping = true;
    await adding.catch(() => {});
    for (const item of opened) {
      try {
        if (item instanceof Queue) await item.obliterate({ force: true });
        await item.close();
      } catch (e) {
        log(`cleanup: ${e.message}`);
      }
    }
  })();
  return cleaning;
}

let code = 0;
let result;
try {
  const redisVersion = await preflight();
  const bullmqVersion = createRequire(import.meta.url)('bullmq/package.json').version;
  log(`BullMQ ${bullmqVersion}, Redis ${redisVersion}, queues ${runId}-*`);
  result = { bullmqVersion, redisVersion, noop: await noop(), delayed: await delayed(), limiter: await limiter() };
} catch (e) {
  code = 1;
  result = { error: `${phase}: ${e.message}` };
}
await cleanup();
if (!timedOut) { // otherwise the timer prints the error and exits
  clearTimeout(timer);
  finish(code, result);
}

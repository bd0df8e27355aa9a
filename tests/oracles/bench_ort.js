// Times onnxruntime-node on one model, for side-by-side comparisons with ferry.
//   node bench_ort.js MODEL.onnx [--threads T] [--iters N] [--warmup W] [--profile] NAME=in.npy ...
// Prints one JSON line: {"median_ms", "p10_ms", "p90_ms", "mean_ms", "iters", "threads"}.
// --profile adds "nodes": onnxruntime's own per-node kernel times (enableProfiling), the
// median over the timed runs of each node in execution order, as [{"name", "op_type",
// "median_us"}]: the counterpart of `ferry bench --profile`. Profiling adds its own cost to
// every run, so the run times printed with it are not comparable with those without.
// Each iteration is one session.run() timed with the monotonic clock; the warmup runs are
// not counted (first runs allocate and pick kernels).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const {die, readFeeds, runMain} = require('./cli');

function parseArgs(argv) {
  const opts = {threads: 1, iters: 50, warmup: 5, profile: false, model: null, feeds: []};
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const flag = /^--(threads|iters|warmup)$/.exec(a);
    if (a === '--profile') {
      opts.profile = true;
    } else if (flag) {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < (flag[1] === 'warmup' ? 0 : 1)) {
        die(`${a} needs a positive integer, got '${argv[i]}'`);
      }
      opts[flag[1]] = v;
    } else if (a.startsWith('--')) {
      die(`unknown flag ${a}`);
    } else if (opts.model === null) {
      opts.model = a;
    } else {
      opts.feeds.push(a);
    }
  }
  if (!opts.model) die('usage: node bench_ort.js MODEL.onnx [--threads T] [--iters N] ' +
                       '[--warmup W] [--profile] NAME=in.npy ...');
  return opts;
}

function percentile(sorted, p) {
  // Linear interpolation between closest ranks (numpy.percentile's default).
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(opts.model)) die(`${opts.model}: no such file`);
  const ort = require('onnxruntime-node');
  let session;
  const profileDir = opts.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'ort-profile-')) : null;
  try {
    session = await ort.InferenceSession.create(opts.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      ...(opts.profile ? {enableProfiling: true, profileFilePrefix: path.join(profileDir, 'ort')} : {}),
    });
  } catch (e) {
    die(`${opts.model}: onnxruntime cannot load the model: ${e.message}`);
  }
  const feeds = {};
  for (const {name, array} of readFeeds(opts.feeds)) {
    feeds[name] = new ort.Tensor(array.dtype, array.data, array.shape);
  }
  for (let i = 0; i < opts.warmup; ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < opts.iters; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const round = (v) => Math.round(v * 1e4) / 1e4;
  const result = {
    median_ms: round(percentile(sorted, 0.5)),
    p10_ms: round(percentile(sorted, 0.1)),
    p90_ms: round(percentile(sorted, 0.9)),
    mean_ms: round(times.reduce((a, b) => a + b, 0) / times.length),
    iters: opts.iters,
    threads: opts.threads,
  };
  if (opts.profile) {
    session.endProfiling();
    result.nodes = nodeMedians(profileDir, opts.warmup);
    fs.rmSync(profileDir, {recursive: true, force: true});
  }
  console.log(JSON.stringify(result));
}

// Per-node kernel times from the profile onnxruntime wrote into `dir`, the first `skip`
// runs (the warm-up) left out.
function nodeMedians(dir, skip) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (files.length !== 1) die(`expected one onnxruntime profile in ${dir}, found ${files.length}`);
  const events = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
  const nodes = new Map();  // insertion order: execution order of the first run
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const name = e.name.slice(0, -'_kernel_time'.length);
    if (!nodes.has(name)) nodes.set(name, {op_type: (e.args && e.args.op_name) || '', us: []});
    nodes.get(name).us.push(e.dur);
  }
  const out = [];
  for (const [name, n] of nodes) {
    const timed = [...n.us.slice(skip)].sort((a, b) => a - b);
    if (timed.length === 0) continue;
    out.push({name, op_type: n.op_type, median_us: percentile(timed, 0.5)});
  }
  return out;
}

runMain(main);

// Times onnxruntime-node on one model, for side-by-side comparisons with ferry.
//   node bench_ort.js MODEL.onnx [--threads T] [--iters N] [--warmup W] NAME=in.npy ...
// Prints one JSON line: {"median_ms", "p10_ms", "p90_ms", "mean_ms", "iters", "threads"}.
// Each iteration is one session.run() timed with the monotonic clock; the warmup runs are
// not counted (first runs allocate and pick kernels).
'use strict';

const fs = require('fs');
const {die, readFeeds, runMain} = require('./cli');

function parseArgs(argv) {
  const opts = {threads: 1, iters: 50, warmup: 5, model: null, feeds: []};
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const flag = /^--(threads|iters|warmup)$/.exec(a);
    if (flag) {
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
                       '[--warmup W] NAME=in.npy ...');
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
  try {
    session = await ort.InferenceSession.create(opts.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
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
  console.log(JSON.stringify({
    median_ms: round(percentile(sorted, 0.5)),
    p10_ms: round(percentile(sorted, 0.1)),
    p90_ms: round(percentile(sorted, 0.9)),
    mean_ms: round(times.reduce((a, b) => a + b, 0) / times.length),
    iters: opts.iters,
    threads: opts.threads,
  }));
}

runMain(main);

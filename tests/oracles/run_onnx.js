// Runs an ONNX model with onnxruntime-node (CPU) and writes every output as OUTDIR/<name>.npy.
//   node run_onnx.js MODEL.onnx OUTDIR NAME=in.npy ...
// Threads: FERRY_ORACLE_THREADS (intra-op), default 1, so results do not depend on the machine.
// Exit status 2 with one line on stderr on any error.
'use strict';

const fs = require('fs');
const path = require('path');
const {writeNpy} = require('./npy');
const {die, readFeeds, fileNameFor, runMain} = require('./cli');

// onnxruntime's tensor type names are numpy's, except that bool data is a Uint8Array either way.
const ORT_TYPES = new Set(['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64',
  'uint8', 'uint16', 'uint32', 'uint64', 'bool']);

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 2) die('usage: node run_onnx.js MODEL.onnx OUTDIR NAME=in.npy ...');
  const [model, outDir, ...feedArgs] = args;
  if (!fs.existsSync(model)) die(`${model}: no such file`);
  const ort = require('onnxruntime-node');
  const threads = Number(process.env.FERRY_ORACLE_THREADS || 1);
  let session;
  try {
    session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
  } catch (e) {
    die(`${model}: onnxruntime cannot load the model: ${e.message}`);
  }
  const feeds = {};
  for (const {name, file, array} of readFeeds(feedArgs)) {
    if (!session.inputNames.includes(name)) {
      die(`${file}: model has no input '${name}' (inputs: ${session.inputNames.join(', ')})`);
    }
    if (!ORT_TYPES.has(array.dtype)) die(`${file}: dtype ${array.dtype} not supported`);
    feeds[name] = new ort.Tensor(array.dtype, array.data, array.shape);
  }
  const missing = session.inputNames.filter((n) => !(n in feeds));
  if (missing.length) die(`${model}: missing inputs ${missing.join(', ')}`);
  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    die(`${model}: onnxruntime run failed: ${e.message}`);
  }
  fs.mkdirSync(outDir, {recursive: true});
  for (const name of session.outputNames) {
    const t = results[name];
    writeNpy(path.join(outDir, fileNameFor(name)),
        {dtype: t.type, shape: t.dims.map(Number), data: t.data});
  }
}

runMain(main);

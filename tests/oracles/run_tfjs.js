// Runs a TF.js graph model (model.json + weight shards) with @tensorflow/tfjs's CPU backend and
// writes every output as OUTDIR/<name>.npy.
//   node run_tfjs.js MODELDIR OUTDIR NAME=in.npy ...
// NAME is a signature input key (model.json "signature".inputs) or a Placeholder name; outputs
// are named by the signature's output keys, or by their node names when there is no signature.
// TF.js computes in float32/int32/bool only: float64 inputs become float32, integer inputs
// int32 (an int64 value outside int32 is an error). Exit status 2 with one line on any error.
// Backend: FERRY_TFJS_BACKEND=cpu (default, the reference kernels) or wasm (XNNPACK), a second
// independent implementation of the same ops.
'use strict';

const fs = require('fs');
const path = require('path');
const {writeNpy} = require('./npy');
const {die, readFeeds, fileNameFor, runMain} = require('./cli');

// tf.loadGraphModel('file://...') needs tfjs-node, which cannot be installed here; this handler
// reads the same artifacts with fs (tfjs-core io.IOHandler.load contract).
function fileHandler(dir) {
  return {
    load: async () => {
      const jsonPath = path.join(dir, 'model.json');
      if (!fs.existsSync(jsonPath)) throw new Error(`${jsonPath}: no such file`);
      let json;
      try {
        json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
      } catch (e) {
        throw new Error(`${jsonPath}: not valid JSON: ${e.message}`);
      }
      if (!json.modelTopology) throw new Error(`${jsonPath}: no modelTopology`);
      const weightSpecs = [];
      const shards = [];
      for (const group of json.weightsManifest || []) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) shards.push(fs.readFileSync(path.join(dir, p)));
      }
      const all = Buffer.concat(shards);
      // A standalone ArrayBuffer holding exactly the shard bytes, in manifest order.
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs,
        weightData,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        modelInitializer: json.modelInitializer,
      };
    },
  };
}

// Strips TF's output index: "x:0" -> "x".
function nodeName(tensorName) {
  return tensorName.replace(/:0$/, '');
}

// Converts a .npy array into a tf.Tensor of the dtype the graph expects.
function toTensor(tf, array, want, file) {
  const {dtype, shape, data} = array;
  if (dtype === 'bool') return tf.tensor(data, shape, 'bool');
  let values = data;
  if (dtype === 'int64' || dtype === 'uint64') {
    values = new Int32Array(data.length);
    for (let i = 0; i < data.length; ++i) {
      if (data[i] > 2147483647n || data[i] < -2147483648n) {
        die(`${file}: ${dtype} value ${data[i]} at index ${i} does not fit TF.js's int32`);
      }
      values[i] = Number(data[i]);
    }
  } else if (dtype === 'float16') {
    die(`${file}: float16 inputs are not supported by TF.js`);
  }
  const target = want === 'float32' || want === 'int32' || want === 'bool' ? want :
      (dtype.startsWith('float') ? 'float32' : 'int32');
  if (target === 'bool') {
    return tf.tensor(Uint8Array.from(values, (v) => (v ? 1 : 0)), shape, 'bool');
  }
  return tf.tensor(target === 'float32' ? Float32Array.from(values) : Int32Array.from(values),
      shape, target);
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 2) die('usage: node run_tfjs.js MODELDIR OUTDIR NAME=in.npy ...');
  const [modelDir, outDir, ...feedArgs] = args;
  const tf = require('@tensorflow/tfjs');
  // Production mode silences tfjs's console advice (install tfjs-node, use execute()), which
  // would otherwise mix into the tests' logs.
  tf.enableProdMode();
  const backend = process.env.FERRY_TFJS_BACKEND || 'cpu';
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(
        path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
  } else if (backend !== 'cpu') {
    die(`FERRY_TFJS_BACKEND must be cpu or wasm, got '${backend}'`);
  }
  if (!(await tf.setBackend(backend))) die(`TF.js backend '${backend}' failed to initialise`);
  let model;
  try {
    model = await tf.loadGraphModel(fileHandler(modelDir));
  } catch (e) {
    die(`${modelDir}: TF.js cannot load the model: ${e.message}`);
  }
  const signature = model.modelSignature || null;
  const sigInputs = (signature && signature.inputs) || {};
  const sigOutputs = (signature && signature.outputs) || {};
  const placeholders = Object.fromEntries(model.inputs.map((i) => [i.name, i]));

  const feeds = {};
  for (const {name, file, array} of readFeeds(feedArgs)) {
    const node = sigInputs[name] ? nodeName(sigInputs[name].name) : name;
    const info = placeholders[node];
    if (!info) {
      die(`${file}: model has no input '${name}' (signature keys: ` +
          `${Object.keys(sigInputs).join(', ') || 'none'}; placeholders: ` +
          `${Object.keys(placeholders).join(', ')})`);
    }
    feeds[node] = toTensor(tf, array, info.dtype, file);
  }
  const missing = Object.keys(placeholders).filter((n) => !(n in feeds));
  if (missing.length) die(`${modelDir}: missing inputs ${missing.join(', ')}`);

  // Output files are named by signature key; fetch each by its tensor name.
  let outputs = Object.entries(sigOutputs).map(([key, info]) => ({key, tensor: info.name}));
  if (outputs.length === 0) outputs = model.outputs.map((o) => ({key: o.name, tensor: o.name}));
  // execute() is synchronous and refuses graphs with control flow or dynamic shapes, which
  // need executeAsync().
  const names = outputs.map((o) => o.tensor);
  let results;
  try {
    results = model.execute(feeds, names);
  } catch (e) {
    if (!/executeAsync/.test(e.message)) throw e;
    results = await model.executeAsync(feeds, names);
  }
  if (!Array.isArray(results)) results = [results];
  fs.mkdirSync(outDir, {recursive: true});
  for (let i = 0; i < outputs.length; ++i) {
    const t = results[i];
    const data = await t.data();
    writeNpy(path.join(outDir, fileNameFor(outputs[i].key)), {
      dtype: t.dtype,
      shape: t.shape,
      data: t.dtype === 'bool' ? Uint8Array.from(data) : data,
    });
  }
}

runMain(main);

// The conformance runner's TF.js stage (tfjs_stage.h): runs every prepared case in one node
// process with @tensorflow/tfjs 4.22's cpu backend.
//   node tfjs_runner.js ORACLES_DIR LIST_FILE
// ORACLES_DIR holds node_modules/@tensorflow/tfjs; LIST_FILE names one case folder per line.
// A case folder holds model/ (model.json + shards), case.json ({outputs: [name...], sets:
// [{name, inputs: [{name, dtype, shape, file}]}]}) and the raw input bytes. For each case this
// writes result.json: {sets: [{outputs: [{dtype, shape, file}]}]} with the raw output bytes
// beside it, or {error: "..."} when TF.js cannot load or run the model.
'use strict';

const fs = require('fs');
const path = require('path');

// The model folder as a tfjs-core io.IOHandler (loadGraphModel('file://') needs tfjs-node).
function fileHandler(dir) {
  return {
    load: async () => {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const weightSpecs = [];
      const shards = [];
      for (const group of json.weightsManifest || []) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) shards.push(fs.readFileSync(path.join(dir, p)));
      }
      const all = Buffer.concat(shards);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        signature: json.signature,
      };
    },
  };
}

// Raw little-endian bytes as the typed array of a TF.js dtype.
function typedArray(buf, dtype) {
  const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  if (dtype === 'float32') return new Float32Array(bytes);
  if (dtype === 'int32') return new Int32Array(bytes);
  if (dtype === 'bool') return new Uint8Array(bytes);
  throw new Error(`input dtype ${dtype} is not a TF.js dtype`);
}

async function runCase(tf, dir) {
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8'));
  const model = await tf.loadGraphModel(fileHandler(path.join(dir, 'model')));
  const sig = model.modelSignature || {};
  const sigInputs = sig.inputs || {};
  const sigOutputs = sig.outputs || {};
  const outputNames = spec.outputs.map((n) => (sigOutputs[n] ? sigOutputs[n].name : n));
  const result = {sets: []};
  try {
    for (const set of spec.sets) {
      const feeds = {};
      for (const input of set.inputs) {
        const node = sigInputs[input.name] ? sigInputs[input.name].name.replace(/:0$/, '') :
                                             input.name;
        const data = typedArray(fs.readFileSync(path.join(dir, input.file)), input.dtype);
        feeds[node] = tf.tensor(data, input.shape, input.dtype);
      }
      // execute() refuses graphs with dynamic-shape ops (Where, NonMaxSuppression, ...),
      // which need executeAsync().
      let outs;
      try {
        outs = model.execute(feeds, outputNames);
      } catch (e) {
        if (!/executeAsync/.test(e.message)) throw e;
        outs = await model.executeAsync(feeds, outputNames);
      }
      if (!Array.isArray(outs)) outs = [outs];
      const setResult = {outputs: []};
      for (let i = 0; i < outs.length; ++i) {
        const t = outs[i];
        const data = await t.data();
        const file = `${set.name}/tfjs_output_${i}.bin`;
        const bytes = t.dtype === 'bool' ? Uint8Array.from(data) : data;
        fs.writeFileSync(path.join(dir, file),
            Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        setResult.outputs.push({dtype: t.dtype, shape: t.shape, file});
      }
      result.sets.push(setResult);
      tf.dispose(Object.values(feeds));
      tf.dispose(outs);
    }
  } finally {
    model.dispose();
  }
  return result;
}

async function main() {
  const [oracles, listFile] = process.argv.slice(2);
  if (!oracles || !listFile) {
    console.error('usage: node tfjs_runner.js ORACLES_DIR LIST_FILE');
    process.exit(2);
  }
  const tf = require(require.resolve('@tensorflow/tfjs', {paths: [oracles]}));
  tf.enableProdMode();
  if (!(await tf.setBackend('cpu'))) throw new Error('the TF.js cpu backend failed to start');
  const dirs = fs.readFileSync(listFile, 'utf8').split('\n').filter((l) => l.length > 0);
  for (const dir of dirs) {
    let result;
    try {
      result = await runCase(tf, dir);
    } catch (e) {
      result = {error: String(e && e.message ? e.message : e).split('\n')[0]};
    }
    fs.writeFileSync(path.join(dir, 'result.json'), JSON.stringify(result));
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});

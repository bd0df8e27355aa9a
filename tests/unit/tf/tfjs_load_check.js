// Runs a TF.js graph model with TF.js itself (the independent oracle of ferry's model.json):
//   node tfjs_load_check.js MODEL_DIR NODE_MODULES IN.npy OUT.npy
// Feeds IN.npy to the model's single input (by signature key) and writes its first output.
// tf.loadGraphModel('file://...') does not work in plain Node, so a custom IOHandler hands
// TF.js the topology, the manifest's weight specs and the concatenated shards.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [dir, modules, inPath, outPath] = process.argv.slice(2);
  const tf = require(path.join(modules, '@tensorflow/tfjs'));
  const {readNpy, writeNpy} = require(path.join(modules, '..', 'npy.js'));
  const model = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const specs = [];
  const shards = [];
  for (const group of model.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) shards.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(shards);
  const handler = {
    load: async () => ({
      modelTopology: model.modelTopology,
      format: model.format,
      generatedBy: model.generatedBy,
      convertedBy: model.convertedBy,
      signature: model.signature,
      weightSpecs: specs,
      weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    }),
  };
  await tf.setBackend('cpu');
  const m = await tf.loadGraphModel(handler);
  const x = readNpy(inPath);
  const key = Object.keys(model.signature.inputs)[0];
  const y = m.execute({[key]: tf.tensor(x.data, x.shape, 'float32')});
  const out = Array.isArray(y) ? y[0] : y;
  writeNpy(outPath, {data: await out.data(), shape: out.shape, dtype: 'float32'});
}

main().catch((e) => {
  process.stderr.write(String(e && e.message ? e.message : e).split('\n')[0] + '\n');
  process.exit(2);
});

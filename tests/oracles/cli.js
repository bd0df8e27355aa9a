// Shared command-line plumbing of the oracle scripts: NAME=file.npy feeds and one-line errors.
'use strict';

const {readNpy} = require('./npy');

// Exits with status 2 and a single line on stderr, the contract tests rely on.
function die(msg) {
  process.stderr.write(`${String(msg).split('\n')[0]}\n`);
  process.exit(2);
}

// Parses NAME=path.npy arguments into [{name, file, array}].
function readFeeds(args) {
  return args.map((arg) => {
    const eq = arg.lastIndexOf('=');
    if (eq <= 0) die(`expected NAME=file.npy, got '${arg}'`);
    const name = arg.slice(0, eq);
    const file = arg.slice(eq + 1);
    return {name, file, array: readNpy(file)};
  });
}

// A tensor name as a file name: '/' and ':' (TF "out:0", ONNX "/fc/Gemm_output_0") become '_'.
function fileNameFor(name) {
  return `${name.replace(/[/\\:]/g, '_')}.npy`;
}

// Runs main() and turns any exception into die().
function runMain(main) {
  Promise.resolve()
      .then(main)
      .catch((e) => die(e && e.message ? e.message : e));
}

module.exports = {die, readFeeds, fileNameFor, runMain};

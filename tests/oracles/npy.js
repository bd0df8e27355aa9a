// NumPy .npy read/write for the oracle scripts (numpy/lib/format.py, versions 1.0-3.0).
// Arrays are {dtype, shape, data}: dtype is numpy's name ('float32', 'int64', 'bool', ...),
// shape an array of numbers, data a typed array (BigInt64Array for int64, Uint8Array for bool).
'use strict';

const fs = require('fs');
const path = require('path');

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"

// numpy type code (without byte order) -> dtype name and typed array.
const CODES = {
  f2: ['float16', Uint16Array], // raw IEEE half bits; callers convert when they need values
  f4: ['float32', Float32Array],
  f8: ['float64', Float64Array],
  i1: ['int8', Int8Array],
  i2: ['int16', Int16Array],
  i4: ['int32', Int32Array],
  i8: ['int64', BigInt64Array],
  u1: ['uint8', Uint8Array],
  u2: ['uint16', Uint16Array],
  u4: ['uint32', Uint32Array],
  u8: ['uint64', BigUint64Array],
  b1: ['bool', Uint8Array],
};
const BY_NAME = Object.fromEntries(
  Object.entries(CODES).map(([code, [name, ctor]]) => [name, {code, ctor}]));

function fail(source, msg) {
  throw new Error(`${source}: ${msg}`);
}

// Parses the header dict numpy writes: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
function parseHeader(text, source) {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) fail(source, `bad header: ${JSON.stringify(text.trim())}`);
  if (fortran[1] === 'True') fail(source, 'fortran_order True is not supported');
  const dims = shape[1].split(',').map((s) => s.trim().replace(/L$/, '')).filter((s) => s !== '');
  if (!dims.every((s) => /^\d+$/.test(s))) fail(source, `bad header: shape (${shape[1]})`);
  return {descr: descr[1], shape: dims.map(Number)};
}

function parseNpy(buf, source = '<npy bytes>') {
  if (buf.length < 10) fail(source, `truncated: ${buf.length} bytes`);
  if (!buf.subarray(0, 6).equals(MAGIC)) fail(source, 'bad magic: not a .npy file');
  const major = buf[6];
  if (major < 1 || major > 3) fail(source, `unsupported .npy version ${major}.${buf[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = 8 + lenBytes + headerLen;
  if (buf.length < start) fail(source, 'truncated header');
  const {descr, shape} = parseHeader(buf.toString('latin1', 8 + lenBytes, start), source);
  const order = descr[0];
  const entry = CODES[descr.slice(1)];
  if (!entry) fail(source, `unsupported dtype '${descr}'`);
  const [dtype, ctor] = entry;
  if (order === '>' && ctor.BYTES_PER_ELEMENT > 1) {
    fail(source, `big-endian dtype '${descr}' is not supported`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * ctor.BYTES_PER_ELEMENT;
  if (buf.length - start < need) {
    fail(source,
        `data shorter than the shape needs: ${need} bytes, file has ${buf.length - start}`);
  }
  // Copy into a fresh, aligned ArrayBuffer: typed arrays need element alignment.
  const bytes = new Uint8Array(need);
  bytes.set(buf.subarray(start, start + need));
  return {dtype, shape, data: new ctor(bytes.buffer, 0, count)};
}

function readNpy(file) {
  return parseNpy(fs.readFileSync(file), file);
}

function serializeNpy({dtype, shape, data}) {
  const entry = BY_NAME[dtype];
  if (!entry) throw new Error(`cannot write dtype ${dtype} to .npy`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new Error(`${dtype} data has ${data.length} elements, shape [${shape}] needs ${count}`);
  }
  const descr = (entry.ctor.BYTES_PER_ELEMENT === 1 ? '|' : '<') + entry.code;
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  // Pad so the data starts on a 64-byte boundary (format.py ARRAY_ALIGN), ending with '\n'.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const pre = Buffer.alloc(10);
  MAGIC.copy(pre, 0);
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  let typed = data;
  if (!(data instanceof entry.ctor)) typed = entry.ctor.from(data);
  const body = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

// Writes through a temporary sibling and rename, so a reader never sees half a file.
function writeNpy(file, array) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, serializeNpy(array));
  fs.renameSync(tmp, file);
}

module.exports = {parseNpy, readNpy, serializeNpy, writeNpy};

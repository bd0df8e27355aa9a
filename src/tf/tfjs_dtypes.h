// What TF.js does with the dtypes it lacks. TF.js computes in float32, int32, bool and string
// only: when it loads a graph model it reads float16 and float64 Placeholders and op outputs as
// float32, and int8, uint8 and int64 as int32 (tfjs-converter 4.22's operation_mapper.ts,
// parseDtypeParam). It reads bfloat16 as null, so tf::WriteTfjs refuses a bfloat16 op or
// Placeholder; int16, uint16, uint32 and uint64 are read as null too (reported here as int32;
// not refused yet, though TF.js may reject such an op). tf::WriteTfjs reports the constants it narrows; these
// notes report the rest, so that `ferry convert --tfjs` says where TF.js computes in another
// dtype than the TF graph.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace ferry::tf {

// The dtype TF.js computes a TF dtype in (float32, int32, bool or string; others unchanged).
DataType TfjsComputeType(DataType t);

// One note per kind of narrowing in `g` (a TF graph): graph inputs and outputs by name, op
// outputs by count and op types, e.g. "input 'x' is float64: TF.js feeds and computes it as
// float32". Empty when TF.js computes every value in its TF dtype.
std::vector<std::string> TfjsDtypeNotes(const ir::Graph& g);

}  // namespace ferry::tf

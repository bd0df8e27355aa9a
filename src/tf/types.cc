#include "tf/types.h"

#include "tf/proto/tf.pb.h"

namespace ferry::tf {

namespace {

struct Pair {
  tfproto::DataType tf;
  DataType ferry;
};

// tensorflow/core/framework/types.proto: the codes ferry reads and writes.
constexpr Pair kPairs[] = {
    {tfproto::DT_FLOAT, DataType::kFloat32}, {tfproto::DT_DOUBLE, DataType::kFloat64},
    {tfproto::DT_HALF, DataType::kFloat16},  {tfproto::DT_BFLOAT16, DataType::kBFloat16},
    {tfproto::DT_INT8, DataType::kInt8},     {tfproto::DT_INT16, DataType::kInt16},
    {tfproto::DT_INT32, DataType::kInt32},   {tfproto::DT_INT64, DataType::kInt64},
    {tfproto::DT_UINT8, DataType::kUInt8},   {tfproto::DT_UINT16, DataType::kUInt16},
    {tfproto::DT_UINT32, DataType::kUInt32}, {tfproto::DT_UINT64, DataType::kUInt64},
    {tfproto::DT_BOOL, DataType::kBool},     {tfproto::DT_STRING, DataType::kString},
};

}  // namespace

StatusOr<DataType> DataTypeFromTf(int tf_code) {
  for (const Pair& p : kPairs)
    if (p.tf == tf_code) return p.ferry;
  return Unimplemented("TensorFlow data type " + TfDataTypeName(tf_code) +
                       " has no ferry equivalent");
}

StatusOr<int> DataTypeToTf(DataType t) {
  for (const Pair& p : kPairs)
    if (p.ferry == t) return static_cast<int>(p.tf);
  return InvalidArgument(std::string("data type '") + DataTypeName(t) +
                         "' has no TensorFlow equivalent");
}

std::string TfDataTypeName(int tf_code) {
  if (tfproto::DataType_IsValid(tf_code))
    return tfproto::DataType_Name(static_cast<tfproto::DataType>(tf_code));
  return "DT_" + std::to_string(tf_code);
}

}  // namespace ferry::tf

#include "tf/tfjs_dtypes.h"

#include <gtest/gtest.h>

namespace ferry::tf {
namespace {

TEST(TfjsDtypesTest, ComputeTypes) {
  EXPECT_EQ(TfjsComputeType(DataType::kFloat64), DataType::kFloat32);
  EXPECT_EQ(TfjsComputeType(DataType::kFloat16), DataType::kFloat32);
  EXPECT_EQ(TfjsComputeType(DataType::kInt64), DataType::kInt32);
  EXPECT_EQ(TfjsComputeType(DataType::kUInt8), DataType::kInt32);
  EXPECT_EQ(TfjsComputeType(DataType::kFloat32), DataType::kFloat32);
  EXPECT_EQ(TfjsComputeType(DataType::kBool), DataType::kBool);
}

TEST(TfjsDtypesTest, NotesNameInputsOutputsAndInteriorOps) {
  ir::Graph g;
  ir::ValueInfo f64;
  f64.dtype = DataType::kFloat64;
  ir::Value* x = g.AddValue("x", f64);
  g.inputs().push_back(x);
  ir::Node* cast = g.AddNode("Cast", "tf", "to_int64", {x}, {"to_int64"});
  cast->output(0)->info().dtype = DataType::kInt64;
  ir::Node* back = g.AddNode("Cast", "tf", "y", {cast->output(0)}, {"y"});
  back->output(0)->info().dtype = DataType::kFloat32;
  g.outputs().push_back(back->output(0));

  const std::vector<std::string> notes = TfjsDtypeNotes(g);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0], "input 'x' is float64: TF.js computes it as float32");
  EXPECT_NE(notes[1].find("1 op output(s) of Cast are int64"), std::string::npos) << notes[1];
}

TEST(TfjsDtypesTest, NoNotesForTfjsTypes) {
  ir::Graph g;
  ir::ValueInfo f32;
  f32.dtype = DataType::kFloat32;
  ir::Value* x = g.AddValue("x", f32);
  g.inputs().push_back(x);
  ir::Node* relu = g.AddNode("Relu", "tf", "y", {x}, {"y"});
  relu->output(0)->info().dtype = DataType::kFloat32;
  g.outputs().push_back(relu->output(0));
  EXPECT_TRUE(TfjsDtypeNotes(g).empty());
}

}  // namespace
}  // namespace ferry::tf

// The TF op set: every TF op ferry's runtime executes, domain "tf", registered since 1
// (a TF graph's opset_imports()["tf"] is 1; see runtime::Session::Create).
#pragma once

#include "runtime/opset.h"

namespace ferry::tf {

// Built once on first use, without static initialisers in the op files.
const runtime::OpSet& TfOpSet();

}  // namespace ferry::tf

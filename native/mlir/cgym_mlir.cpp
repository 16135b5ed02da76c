//===- cgym_mlir.cpp - MLIR in process, through a small C interface -------===//
//
// Debian ships MLIR's C API only as static archives, while its C++ API is in
// the shared libMLIR.so; this shim exposes the few operations the environment
// needs (parse, run a pass pipeline, print, clone, translate to LLVM IR) over
// the shared library, so that a step costs no process start.
//
//===----------------------------------------------------------------------===//

#include "cgym_mlir.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

using namespace mlir;

struct cgym_mlir_module {
  std::unique_ptr<MLIRContext> context;
  OwningOpRef<ModuleOp> module;
};

namespace {

// Pass pipelines are parsed against the global pass registry, filled once.
void registerPassesOnce() {
  static std::once_flag once;
  std::call_once(once, [] { registerAllPasses(); });
}

std::unique_ptr<MLIRContext> newContext() {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  // One thread per context: steps are small, and sessions already run side by side.
  auto context = std::make_unique<MLIRContext>(registry,
                                               MLIRContext::Threading::DISABLED);
  context->allowUnregisteredDialects(false);
  return context;
}

char *copyString(const std::string &text) {
  char *copy = static_cast<char *>(std::malloc(text.size() + 1));
  std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

int fail(char **error, const std::string &message) {
  if (error)
    *error = copyString(message.empty() ? "failed (no diagnostic)" : message);
  return 1;
}

// Collects every diagnostic emitted while it lives, instead of printing them.
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(MLIRContext *context)
      : stream(text), handler(context, [this](Diagnostic &d) {
          if (!text.empty())
            stream << "\n";
          stream << d.getLocation() << ": " << severity(d.getSeverity())
                 << ": " << d;
          for (Diagnostic &note : d.getNotes())
            stream << "\n  note: " << note;
          return success();
        }) {}

  std::string message() {
    stream.flush();
    return text;
  }

private:
  static const char *severity(DiagnosticSeverity s) {
    switch (s) {
    case DiagnosticSeverity::Error: return "error";
    case DiagnosticSeverity::Warning: return "warning";
    case DiagnosticSeverity::Remark: return "remark";
    case DiagnosticSeverity::Note: return "note";
    }
    return "diagnostic";
  }

  std::string text;
  llvm::raw_string_ostream stream;
  ScopedDiagnosticHandler handler;
};

// A small stable code per operation kind, so that features do not depend on names.
long long opKind(linalg::LinalgOp op) {
  Operation *o = op.getOperation();
  if (isa<linalg::FillOp>(o)) return 1;
  if (isa<linalg::MatmulOp>(o)) return 2;
  if (isa<linalg::BatchMatmulOp>(o)) return 3;
  if (isa<linalg::ConvolutionOpInterface>(o)) return 4;
  if (o->getName().getStringRef().starts_with("linalg.pooling")) return 5;
  if (isa<linalg::GenericOp>(o)) return 6;
  return 7;
}

// Fields, in order: is_root (carries the cgym.root attribute), kind, loops,
// parallel loops, reduction loops, the static range of loops d0..d6 (-1 when
// dynamic, 0 past the last loop), enclosing scf.for loops, inputs, outputs,
// then how operands are accessed along the innermost loop: contiguously (the
// innermost loop indexes their last dimension), not at all (reused across it),
// or with a stride; how many operands have an indexing map that is not a
// projected permutation (convolution windows); operations in its body;
// enclosing scf.forall loops (parallel tiles); which loops are parallel, bit d
// for loop d (where they are matters: only those can be run in parallel).
void linalgFeatures(linalg::LinalgOp op, long long *f) {
  Operation *o = op.getOperation();
  unsigned loops = op.getNumLoops();
  f[0] = o->hasAttr("cgym.root");
  f[1] = opKind(op);
  f[2] = loops;
  f[3] = op.getNumParallelLoops();
  f[4] = op.getNumReductionLoops();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (unsigned d = 0; d < 7; d++)
    f[5 + d] = d < ranges.size() ? (ShapedType::isDynamic(ranges[d]) ? -1 : ranges[d]) : 0;
  long long forDepth = 0, forallDepth = 0;
  for (Operation *p = o->getParentOp(); p; p = p->getParentOp()) {
    forDepth += isa<scf::ForOp>(p);
    forallDepth += isa<scf::ForallOp>(p);
  }
  f[12] = forDepth;
  f[13] = op.getNumDpsInputs();
  f[14] = op.getNumDpsInits();
  long long contiguous = 0, invariant = 0, strided = 0, nonPermutation = 0;
  for (AffineMap map : op.getIndexingMapsArray()) {
    nonPermutation += !map.isProjectedPermutation();
    if (loops == 0 || map.getNumResults() == 0) { invariant++; continue; }
    if (!map.isFunctionOfDim(loops - 1)) invariant++;
    else if (map.getResult(map.getNumResults() - 1).isFunctionOfDim(loops - 1)) contiguous++;
    else strided++;
  }
  f[15] = contiguous;
  f[16] = invariant;
  f[17] = strided;
  f[18] = nonPermutation;
  f[19] = o->getNumRegions() ? (long long)std::distance(o->getRegion(0).op_begin(), o->getRegion(0).op_end()) : 0;
  f[20] = forallDepth;
  long long parallelMask = 0;
  for (auto [d, kind] : llvm::enumerate(op.getIteratorTypesArray()))
    if (kind == utils::IteratorType::parallel && d < 63)
      parallelMask |= 1LL << d;
  f[21] = parallelMask;
}

} // namespace

extern "C" {

int cgym_mlir_parse(const char *text, size_t length, const char *name,
                    cgym_mlir_module **out, char **error) {
  // Out-parameters are set on every path, so that a caller never reads or frees garbage.
  *out = nullptr;
  if (error)
    *error = nullptr;
  auto result = std::make_unique<cgym_mlir_module>();
  result->context = newContext();
  DiagnosticCollector diagnostics(result->context.get());
  ParserConfig config(result->context.get(), /*verifyAfterParse=*/true);
  result->module = parseSourceString<ModuleOp>(llvm::StringRef(text, length),
                                               config, name ? name : "");
  if (!result->module)
    return fail(error, diagnostics.message());
  *out = result.release();
  return 0;
}

int cgym_mlir_run_pipeline(cgym_mlir_module *module, const char *pipeline,
                           char **error) {
  if (error)
    *error = nullptr;
  registerPassesOnce();
  MLIRContext *context = module->context.get();
  DiagnosticCollector diagnostics(context);
  std::string parseErrors;
  llvm::raw_string_ostream parseStream(parseErrors);
  // The text names its anchor, "builtin.module(...)", as mlir-opt's
  // --pass-pipeline does; parsing it into a module pass manager would nest it
  // one level too deep, so the parsed manager replaces the top-level one.
  FailureOr<OpPassManager> parsed = parsePassPipeline(pipeline, parseStream);
  if (failed(parsed))
    return fail(error, "invalid pass pipeline '" + std::string(pipeline) +
                           "': " + parseErrors);
  if (parsed->getOpName() != ModuleOp::getOperationName())
    return fail(error, "the pass pipeline must be anchored on builtin.module: '" +
                           std::string(pipeline) + "'");
  PassManager pm(context, ModuleOp::getOperationName());
  static_cast<OpPassManager &>(pm) = std::move(*parsed);
  if (failed(pm.run(*module->module)))
    return fail(error, diagnostics.message());
  return 0;
}

int cgym_mlir_print(cgym_mlir_module *module, int generic, char **out,
                    char **error) {
  if (error)
    *error = nullptr;
  std::string text;
  llvm::raw_string_ostream stream(text);
  OpPrintingFlags flags;
  if (generic)
    flags.printGenericOpForm();
  module->module->print(stream, flags);
  stream.flush();
  *out = copyString(text);
  return 0;
}

int cgym_mlir_clone(cgym_mlir_module *module, cgym_mlir_module **out,
                    char **error) {
  // Through the generic text form: a new context cannot share attributes or
  // types with the old one, and the generic form round-trips exactly.
  *out = nullptr;
  char *text = nullptr;
  if (int status = cgym_mlir_print(module, /*generic=*/1, &text, error))
    return status;
  int status = cgym_mlir_parse(text, std::strlen(text), "clone", out, error);
  cgym_mlir_free(text);
  return status;
}

int cgym_mlir_translate_to_llvm_ir(cgym_mlir_module *module, char **out,
                                   char **error) {
  *out = nullptr;
  if (error)
    *error = nullptr;
  DiagnosticCollector diagnostics(module->context.get());
  llvm::LLVMContext llvmContext;
  auto llvmModule = translateModuleToLLVMIR(*module->module, llvmContext);
  if (!llvmModule)
    return fail(error, diagnostics.message());
  std::string text;
  llvm::raw_string_ostream stream(text);
  llvmModule->print(stream, nullptr);
  stream.flush();
  *out = copyString(text);
  return 0;
}

void cgym_mlir_loop_features(cgym_mlir_module *module, long long *out,
                             size_t max_ops, size_t *count) {
  // Module fields: linalg operations, scf.for loops, deepest nest of scf.for
  // and scf.forall loops, vector operations, scf.forall loops.
  long long linalgOps = 0, forLoops = 0, maxDepth = 0, vectorOps = 0, forallLoops = 0;
  long long *ops = out + CGYM_MLIR_MODULE_FEATURES;
  module->module->walk([&](Operation *o) {
    if (isa<scf::ForOp, scf::ForallOp>(o)) {
      forLoops += isa<scf::ForOp>(o);
      forallLoops += isa<scf::ForallOp>(o);
      long long depth = 0;
      for (Operation *p = o; p; p = p->getParentOp())
        depth += isa<scf::ForOp, scf::ForallOp>(p);
      maxDepth = std::max(maxDepth, depth);
    } else if (o->getDialect() && o->getDialect()->getNamespace() == "vector") {
      vectorOps++;
    } else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(o)) {
      if ((size_t)linalgOps < max_ops)
        linalgFeatures(linalgOp, ops + linalgOps * CGYM_MLIR_OP_FEATURES);
      linalgOps++;
    }
  });
  out[0] = linalgOps;
  out[1] = forLoops;
  out[2] = maxDepth;
  out[3] = vectorOps;
  out[4] = forallLoops;
  *count = linalgOps;
}

void cgym_mlir_destroy(cgym_mlir_module *module) { delete module; }

void cgym_mlir_free(char *text) { std::free(text); }

} // extern "C"

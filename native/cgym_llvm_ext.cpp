//===- cgym_llvm_ext.cpp - LLVMRunPasses that also reports "IR changed" ---===//
//
// The C# environment caches observations of the IR and needs to know whether a
// pipeline changed the module. LLVMRunPasses (llvm/lib/Passes/
// PassBuilderBindings.cpp) discards that information; the new pass manager
// has it, because every pass returns a PreservedAnalyses and a pass that
// changed nothing returns PreservedAnalyses::all(). cgym_run_passes is a
// line-for-line copy of LLVM 22's LLVMRunPasses (its module path, runPasses()
// with Fun == nullptr) plus one instrumentation callback that records it.
//
//===----------------------------------------------------------------------===//

#include "cgym_llvm_ext.h"

#include "llvm/Analysis/AliasAnalysis.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm-c/Core.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassInstrumentation.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <cstddef>

// The options redeclaration below and the mirrored pipeline set-up are copied
// from LLVM 22; another major version must be re-checked, not just rebuilt.
#if LLVM_VERSION_MAJOR != 22
#error "cgym_llvm_ext mirrors LLVM 22's LLVMRunPasses; re-check it for this LLVM"
#endif

using namespace llvm;

// LLVMPassBuilderOptionsRef points to an llvm::LLVMPassBuilderOptions, which is
// defined only inside PassBuilderBindings.cpp and has no C getters. We need
// all of its fields (DebugLogging, VerifyEach, AAPipeline, PTO) to behave
// exactly like LLVMRunPasses, so we repeat the class token for token in the
// same namespace: an identical definition of the same class is what the ODR
// allows, so reading the object through it is well defined (a look-alike
// struct in another namespace would be an aliasing violation). The layout is
// also pinned by the static_asserts, whose offsets were read from the setters
// in libLLVM.so.22.1 (objdump), and checked at run time against the real
// setters by optionsLayoutMatches(), in case a different libLLVM is loaded.
// Only the data layout matters: the class has no out-of-line members, and we
// never construct one (the caller owns the object).
namespace llvm {
class LLVMPassBuilderOptions {
public:
  explicit LLVMPassBuilderOptions(
      bool DebugLogging = false, bool VerifyEach = false,
      const char *AAPipeline = nullptr,
      PipelineTuningOptions PTO = PipelineTuningOptions())
      : DebugLogging(DebugLogging), VerifyEach(VerifyEach),
        AAPipeline(AAPipeline), PTO(PTO) {}

  bool DebugLogging;
  bool VerifyEach;
  const char *AAPipeline;
  PipelineTuningOptions PTO;
};
} // namespace llvm

static_assert(sizeof(void *) != 8 ||
                  (sizeof(LLVMPassBuilderOptions) == 0x30 &&
                   offsetof(LLVMPassBuilderOptions, VerifyEach) == 0x1 &&
                   offsetof(LLVMPassBuilderOptions, AAPipeline) == 0x8 &&
                   offsetof(LLVMPassBuilderOptions, PTO) == 0x10 &&
                   offsetof(LLVMPassBuilderOptions, PTO.InlinerThreshold) ==
                       0x24),
              "LLVMPassBuilderOptions layout differs from libLLVM 22.1");

static LLVMPassBuilderOptions *unwrapOptions(LLVMPassBuilderOptionsRef P) {
  return reinterpret_cast<LLVMPassBuilderOptions *>(P);
}

static TargetMachine *unwrapTM(LLVMTargetMachineRef P) {
  return reinterpret_cast<TargetMachine *>(P);
}

// Writes distinctive values through libLLVM's own setters and reads them back
// through our declaration; any mismatch means the loaded libLLVM's class is
// not the one we declared, so we refuse to run rather than misread options.
// Bools are written twice with opposite values so that a bool that happens to
// be read from a neighbouring byte cannot pass by luck.
static bool optionsLayoutMatches() {
  static const char Probe[] = "cgym-layout-probe";
  LLVMPassBuilderOptionsRef Ref = LLVMCreatePassBuilderOptions();
  const LLVMPassBuilderOptions *O = unwrapOptions(Ref);
  bool OK = true;
  for (int B = 0; B < 2; ++B) {
    LLVMPassBuilderOptionsSetDebugLogging(Ref, B);
    LLVMPassBuilderOptionsSetVerifyEach(Ref, !B);
    LLVMPassBuilderOptionsSetLoopVectorization(Ref, B);
    LLVMPassBuilderOptionsSetMergeFunctions(Ref, !B);
    OK &= O->DebugLogging == (B != 0) && O->VerifyEach == (B == 0) &&
          O->PTO.LoopVectorization == (B != 0) &&
          O->PTO.MergeFunctions == (B == 0);
  }
  LLVMPassBuilderOptionsSetAAPipeline(Ref, Probe);
  LLVMPassBuilderOptionsSetLicmMssaOptCap(Ref, 0x5a5a01);
  LLVMPassBuilderOptionsSetLicmMssaNoAccForPromotionCap(Ref, 0x5a5a02);
  LLVMPassBuilderOptionsSetInlinerThreshold(Ref, -0x5a5a03);
  OK &= O->AAPipeline == Probe && O->PTO.LicmMssaOptCap == 0x5a5a01 &&
        O->PTO.LicmMssaNoAccForPromotionCap == 0x5a5a02 &&
        O->PTO.InlinerThreshold == -0x5a5a03;
  LLVMDisposePassBuilderOptions(Ref);
  return OK;
}

extern "C" __attribute__((visibility("default"))) LLVMErrorRef
cgym_run_passes(LLVMModuleRef M, const char *Passes, LLVMTargetMachineRef TM,
                LLVMPassBuilderOptionsRef Options, int *Changed) {
  // 0 on every early return: nothing has run then.
  if (Changed)
    *Changed = 0;

  static const bool LayoutOK = optionsLayoutMatches(); // once per process
  if (!LayoutOK)
    return wrap(createStringError(
        "cgym_run_passes: the loaded libLLVM's LLVMPassBuilderOptions layout "
        "differs from LLVM 22.1's; rebuild libcgym-llvm-ext against it"));

  // From here on, the same steps as LLVM 22's runPasses(Mod, nullptr, ...).
  TargetMachine *Machine = unwrapTM(TM);
  LLVMPassBuilderOptions *PassOpts = unwrapOptions(Options);
  bool Debug = PassOpts->DebugLogging;
  bool VerifyEach = PassOpts->VerifyEach;
  Module *Mod = unwrap(M);

  PassInstrumentationCallbacks PIC;
  PassBuilder PB(Machine, PassOpts->PTO, std::nullopt, &PIC);

  LoopAnalysisManager LAM;
  FunctionAnalysisManager FAM;
  CGSCCAnalysisManager CGAM;
  ModuleAnalysisManager MAM;
  if (PassOpts->AAPipeline) {
    // A custom AA pipeline must be registered before registerFunctionAnalyses,
    // or the default one is used (as in LLVMRunPasses).
    AAManager AA;
    if (auto Err = PB.parseAAPipeline(AA, PassOpts->AAPipeline))
      return wrap(std::move(Err));
    FAM.registerPass([&] { return std::move(AA); });
  }
  PB.registerLoopAnalyses(LAM);
  PB.registerFunctionAnalyses(FAM);
  PB.registerCGSCCAnalyses(CGAM);
  PB.registerModuleAnalyses(MAM);
  PB.crossRegisterProxies(LAM, FAM, CGAM, MAM);

  StandardInstrumentations SI(Mod->getContext(), Debug, VerifyEach);
  SI.registerCallbacks(PIC, &MAM);

  // The addition to LLVMRunPasses. Pass managers and adaptors report their
  // contained passes here, and are themselves reported by the manager that
  // runs them, with the intersection of what they ran (plus anything they did
  // on their own, e.g. the loop adaptor's LoopSimplify/LCSSA canonicalisation).
  // So both levels fire; we OR them all, which can only add 'changed', never
  // hide it: a wrapper preserves everything only if everything inside did.
  // Analysis-only steps (require<>, verify, print) return all(); invalidate<>
  // does not, an accepted over-report. Passes skipped by optnone/opt-bisect
  // do not run and report nothing, which is correct.
  bool AnyChange = false;
  PIC.registerAfterPassCallback(
      [&AnyChange](StringRef, Any, const PreservedAnalyses &PA) {
        if (!PA.areAllPreserved())
          AnyChange = true;
      });
  // Fired instead of the above when the pass deleted or invalidated its own IR
  // unit (deleted loop, split/merged SCC): a change whatever PA says.
  PIC.registerAfterPassInvalidatedCallback(
      [&AnyChange](StringRef, const PreservedAnalyses &) { AnyChange = true; });

  ModulePassManager MPM;
  if (VerifyEach)
    MPM.addPass(VerifierPass());
  if (auto Err = PB.parsePassPipeline(MPM, Passes))
    return wrap(std::move(Err));
  MPM.run(*Mod, MAM);

  if (Changed)
    *Changed = AnyChange ? 1 : 0;
  return LLVMErrorSuccess;
}

// LLVMWriteBitcodeToMemoryBuffer writes without the order of each value's use
// list, so a module read back lists, for example, a block's predecessors in
// another order; passes that walk use lists (gvn-sink, simplifycfg, ...) may
// then transform it differently. A copy through this writer is the same state.
extern "C" __attribute__((visibility("default"))) LLVMMemoryBufferRef
cgym_write_bitcode(LLVMModuleRef M) {
  SmallVector<char, 0> Buffer;
  raw_svector_ostream OS(Buffer);
  WriteBitcodeToFile(*unwrap(M), OS, /*ShouldPreserveUseListOrder=*/true);
  return LLVMCreateMemoryBufferWithMemoryRangeCopy(Buffer.data(), Buffer.size(), "");
}

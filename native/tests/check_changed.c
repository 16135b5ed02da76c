/* check_changed.c - checks cgym_run_passes' Changed flag and its equivalence
 * with LLVMRunPasses on small modules. Run by `make -C native check`. */
#include "cgym_llvm_ext.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/Target.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static LLVMContextRef Ctx;
static LLVMTargetMachineRef TM;
static LLVMPassBuilderOptionsRef Opts;
static const char *Triple = "x86_64-unknown-linux-gnu";
static int Failures;

static void expect(int Ok, const char *What) {
  printf("  [%s] %s\n", Ok ? "ok" : "FAIL", What);
  if (!Ok)
    ++Failures;
}

static LLVMModuleRef parse(const char *IR) {
  LLVMMemoryBufferRef Buf =
      LLVMCreateMemoryBufferWithMemoryRangeCopy(IR, strlen(IR), "check.ll");
  LLVMModuleRef M;
  char *Msg = NULL;
  if (LLVMParseIRInContext(Ctx, Buf, &M, &Msg)) { /* takes Buf */
    fprintf(stderr, "IR parse error: %s\n", Msg);
    exit(2);
  }
  LLVMSetTarget(M, Triple);
  LLVMTargetDataRef DL = LLVMCreateTargetDataLayout(TM);
  LLVMSetModuleDataLayout(M, DL);
  LLVMDisposeTargetData(DL);
  return M;
}

/* Runs Passes; returns Changed (0/1), or -1 on error (message kept if Err). */
static int run(LLVMModuleRef M, const char *Passes, char **Err) {
  int Changed = -7;
  LLVMErrorRef E = cgym_run_passes(M, Passes, TM, Opts, &Changed);
  if (E) {
    char *Msg = LLVMGetErrorMessage(E);
    if (Err)
      *Err = strdup(Msg);
    LLVMDisposeErrorMessage(Msg);
    return Changed == 0 ? -1 : -2; /* -2: Changed not reset on error */
  }
  if (LLVMVerifyModule(M, LLVMReturnStatusAction, NULL)) {
    fprintf(stderr, "module broken after %s\n", Passes);
    exit(2);
  }
  return Changed;
}

static int countOpcode(LLVMModuleRef M, const char *Fn, LLVMOpcode Op) {
  int N = 0;
  LLVMValueRef F = LLVMGetNamedFunction(M, Fn);
  for (LLVMBasicBlockRef B = LLVMGetFirstBasicBlock(F); B;
       B = LLVMGetNextBasicBlock(B))
    for (LLVMValueRef I = LLVMGetFirstInstruction(B); I;
         I = LLVMGetNextInstruction(I))
      N += LLVMGetInstructionOpcode(I) == Op;
  return N;
}

static const char *AddZero = "define i32 @f(i32 %x) {\n"
                             "  %y = add i32 %x, 0\n"
                             "  ret i32 %y\n"
                             "}\n";

static const char *NothingDead = "define i32 @g(i32 %a, i32 %b) {\n"
                                 "  %c = mul i32 %a, %b\n"
                                 "  ret i32 %c\n"
                                 "}\n";

/* Dead code for adce, a diamond for simplifycfg. */
static const char *Diamond = "define i32 @h(i32 %a, i1 %c) {\n"
                             "entry:\n"
                             "  %dead = mul i32 %a, 3\n"
                             "  br i1 %c, label %t, label %f\n"
                             "t:\n"
                             "  br label %m\n"
                             "f:\n"
                             "  br label %m\n"
                             "m:\n"
                             "  %p = phi i32 [ 1, %t ], [ 2, %f ]\n"
                             "  ret i32 %p\n"
                             "}\n";

static const char *UnusedInternal = "define internal i32 @unused(i32 %x) {\n"
                                     "  ret i32 %x\n"
                                     "}\n"
                                     "define i32 @main() {\n"
                                     "  ret i32 0\n"
                                     "}\n";

/* A side-effect-free counted loop, which loop-deletion removes. */
static const char *DeadLoop =
    "define void @dl() {\n"
    "entry:\n"
    "  br label %loop\n"
    "loop:\n"
    "  %i = phi i32 [ 0, %entry ], [ %n, %loop ]\n"
    "  %n = add nuw nsw i32 %i, 1\n"
    "  %c = icmp ult i32 %n, 100\n"
    "  br i1 %c, label %loop, label %exit\n"
    "exit:\n"
    "  ret void\n"
    "}\n";

/* Somewhat richer input for the equivalence with LLVMRunPasses. */
static const char *Rich =
    "define internal i32 @sq(i32 %v) {\n"
    "  %r = mul i32 %v, %v\n"
    "  ret i32 %r\n"
    "}\n"
    "define i32 @sum(ptr %p, i32 %n) {\n"
    "entry:\n"
    "  %acc = alloca i32\n"
    "  store i32 0, ptr %acc\n"
    "  br label %head\n"
    "head:\n"
    "  %i = phi i32 [ 0, %entry ], [ %i1, %body ]\n"
    "  %c = icmp slt i32 %i, %n\n"
    "  br i1 %c, label %body, label %done\n"
    "body:\n"
    "  %q = getelementptr i32, ptr %p, i32 %i\n"
    "  %v = load i32, ptr %q\n"
    "  %s = call i32 @sq(i32 %v)\n"
    "  %a = load i32, ptr %acc\n"
    "  %a1 = add i32 %a, %s\n"
    "  store i32 %a1, ptr %acc\n"
    "  %i1 = add i32 %i, 1\n"
    "  br label %head\n"
    "done:\n"
    "  %res = load i32, ptr %acc\n"
    "  %z = add i32 %res, 0\n"
    "  ret i32 %z\n"
    "}\n";

static void checkTwice(const char *IR, const char *Passes) {
  char What[256];
  LLVMModuleRef M = parse(IR);
  int First = run(M, Passes, NULL), Second = run(M, Passes, NULL);
  snprintf(What, sizeof What, "%s: 1st run Changed=%d (want 1)", Passes, First);
  expect(First == 1, What);
  snprintf(What, sizeof What, "%s: 2nd run Changed=%d (want 0)", Passes,
           Second);
  expect(Second == 0, What);
  LLVMDisposeModule(M);
}

/* Same input, same pipeline: the IR (and any error) must match LLVMRunPasses. */
static void checkSameAsLLVMRunPasses(const char *IR, const char *Passes) {
  LLVMModuleRef A = parse(IR), B = parse(IR);
  LLVMErrorRef EA = LLVMRunPasses(A, Passes, TM, Opts);
  int Changed = -7;
  LLVMErrorRef EB = cgym_run_passes(B, Passes, TM, Opts, &Changed);
  char *MA = EA ? LLVMGetErrorMessage(EA) : LLVMPrintModuleToString(A);
  char *MB = EB ? LLVMGetErrorMessage(EB) : LLVMPrintModuleToString(B);
  char What[256];
  snprintf(What, sizeof What, "%s: same %s as LLVMRunPasses (Changed=%d)",
           Passes, EA ? "error" : "IR", Changed);
  expect(!EA == !EB && strcmp(MA, MB) == 0, What);
  if (EA)
    LLVMDisposeErrorMessage(MA);
  else
    LLVMDisposeMessage(MA);
  if (EB)
    LLVMDisposeErrorMessage(MB);
  else
    LLVMDisposeMessage(MB);
  LLVMDisposeModule(A);
  LLVMDisposeModule(B);
}

int main(void) {
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86Target();
  LLVMInitializeX86TargetMC();
  LLVMTargetRef T;
  char *Msg = NULL;
  if (LLVMGetTargetFromTriple(Triple, &T, &Msg)) {
    fprintf(stderr, "no x86-64 target: %s\n", Msg);
    return 2;
  }
  TM = LLVMCreateTargetMachine(T, Triple, "x86-64", "", LLVMCodeGenLevelDefault,
                               LLVMRelocPIC, LLVMCodeModelDefault);
  Ctx = LLVMContextCreate();
  Opts = LLVMCreatePassBuilderOptions();
  char What[256], *Err = NULL;
  int C;

  printf("change reported by a function pass:\n");
  LLVMModuleRef M = parse(AddZero);
  C = run(M, "function(instcombine<no-verify-fixpoint>)", NULL);
  snprintf(What, sizeof What, "instcombine folds add %%x, 0: Changed=%d", C);
  expect(C == 1, What);
  expect(countOpcode(M, "f", LLVMAdd) == 0, "the add is gone from @f");
  LLVMDisposeModule(M);

  printf("no change:\n");
  M = parse(NothingDead);
  C = run(M, "function(adce)", NULL);
  snprintf(What, sizeof What, "adce with nothing dead: Changed=%d", C);
  expect(C == 0, What);
  C = run(M, "function(adce),function(simplifycfg),globaldce", NULL);
  snprintf(What, sizeof What, "adce,simplifycfg,globaldce on it: Changed=%d", C);
  expect(C == 0, What);
  LLVMDisposeModule(M);

  printf("second run on already simplified IR:\n");
  checkTwice(Diamond, "function(adce)");
  checkTwice(Diamond, "function(simplifycfg)");
  checkTwice(UnusedInternal, "globaldce");

  printf("module pass deleting a function:\n");
  M = parse(UnusedInternal);
  C = run(M, "globaldce", NULL);
  snprintf(What, sizeof What, "globaldce: Changed=%d", C);
  expect(C == 1, What);
  expect(LLVMGetNamedFunction(M, "unused") == NULL, "@unused was deleted");
  LLVMDisposeModule(M);

  printf("loop pass deleting its loop:\n");
  M = parse(DeadLoop);
  C = run(M, "loop(loop-deletion)", NULL);
  snprintf(What, sizeof What, "loop(loop-deletion): Changed=%d", C);
  expect(C == 1, What);
  expect(countOpcode(M, "dl", LLVMPHI) == 0, "the loop is gone from @dl");
  LLVMDisposeModule(M);

  printf("errors:\n");
  M = parse(AddZero);
  C = run(M, "function(no-such-pass)", &Err);
  snprintf(What, sizeof What, "bad pass name -> error \"%s\", Changed=0",
           Err ? Err : "(none)");
  expect(C == -1 && Err && strstr(Err, "no-such-pass"), What);
  free(Err);
  Err = NULL;
  expect(countOpcode(M, "f", LLVMAdd) == 1, "module untouched by the failed call");
  /* Proves the options object is read: only AAPipeline can cause this. */
  LLVMPassBuilderOptionsSetAAPipeline(Opts, "no-such-aa");
  C = run(M, "function(adce)", &Err);
  snprintf(What, sizeof What, "bad AA pipeline in options -> error \"%s\"",
           Err ? Err : "(none)");
  expect(C == -1 && Err && strstr(Err, "no-such-aa"), What);
  free(Err);
  LLVMPassBuilderOptionsSetAAPipeline(Opts, NULL);
  LLVMDisposeModule(M);

  printf("VerifyEach option:\n");
  LLVMPassBuilderOptionsSetVerifyEach(Opts, 1);
  M = parse(NothingDead);
  C = run(M, "function(adce)", NULL);
  snprintf(What, sizeof What, "VerifyEach, adce with nothing dead: Changed=%d", C);
  expect(C == 0, What);
  LLVMDisposeModule(M);
  checkSameAsLLVMRunPasses(Rich, "default<O2>");
  LLVMPassBuilderOptionsSetVerifyEach(Opts, 0);

  printf("same result as LLVMRunPasses:\n");
  checkSameAsLLVMRunPasses(Rich, "default<O3>");
  checkSameAsLLVMRunPasses(Rich, "function(mem2reg,instcombine<no-verify-fixpoint>),cgscc(inline),globaldce");
  checkSameAsLLVMRunPasses(Rich, "function(bogus)");
  LLVMPassBuilderOptionsSetLoopUnrolling(Opts, 0);
  LLVMPassBuilderOptionsSetInlinerThreshold(Opts, 0);
  checkSameAsLLVMRunPasses(Rich, "default<O3>");

  LLVMDisposePassBuilderOptions(Opts);
  LLVMContextDispose(Ctx);
  LLVMDisposeTargetMachine(TM);
  printf(Failures ? "%d check(s) FAILED\n" : "all checks passed\n", Failures);
  return Failures ? 1 : 0;
}

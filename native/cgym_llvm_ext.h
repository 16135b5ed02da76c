/* cgym_llvm_ext.h - C interface of libcgym-llvm-ext.so (see README.md). */
#ifndef CGYM_LLVM_EXT_H
#define CGYM_LLVM_EXT_H

#include <llvm-c/Error.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <llvm-c/Types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runs a textual new-pass-manager pipeline on M exactly as LLVMRunPasses does,
 * and sets *Changed to 1 if any pass reported that it did not preserve all
 * analyses, else 0 (also 0 when an error is returned, as nothing ran then).
 * Changed may be NULL. Returns NULL on success, else an LLVMErrorRef that the
 * caller owns (LLVMGetErrorMessage / LLVMConsumeError). */
LLVMErrorRef cgym_run_passes(LLVMModuleRef M, const char *Passes,
                             LLVMTargetMachineRef TM,
                             LLVMPassBuilderOptionsRef Options, int *Changed);

/* Writes M as bitcode that keeps the order of every use list, so that a module
 * read back from it is the same state (LLVMWriteBitcodeToMemoryBuffer drops
 * that order). The caller owns the buffer (LLVMDisposeMemoryBuffer). */
LLVMMemoryBufferRef cgym_write_bitcode(LLVMModuleRef M);

#ifdef __cplusplus
}
#endif

#endif /* CGYM_LLVM_EXT_H */

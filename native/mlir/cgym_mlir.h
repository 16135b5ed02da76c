/* cgym_mlir.h - C interface of libcgym-mlir.so (see README.md). */
#ifndef CGYM_MLIR_H
#define CGYM_MLIR_H

#include <stddef.h>

#define CGYM_MLIR_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* An MLIR module in an MLIR context of its own (every upstream dialect, pass and
 * LLVM IR translation registered; multithreading off), so that modules can be
 * used on different threads at once. */
typedef struct cgym_mlir_module cgym_mlir_module;

/* Functions that can fail return 0 on success; on failure they return nonzero
 * and set *error to a message (the MLIR diagnostics) that the caller frees with
 * cgym_mlir_free, and *out to NULL (on success *error is NULL). Strings returned
 * in *out are freed the same way. */

/* Parses MLIR text (NAME is used in messages) and verifies it. */
CGYM_MLIR_API int cgym_mlir_parse(const char *text, size_t length, const char *name,
                    cgym_mlir_module **out, char **error);

/* Runs a textual pass pipeline, e.g. "builtin.module(canonicalize,cse)".
 * On failure the module may be partly transformed: run on a clone to keep it. */
CGYM_MLIR_API int cgym_mlir_run_pipeline(cgym_mlir_module *module, const char *pipeline,
                           char **error);

/* The module as text (the generic form when GENERIC is nonzero). */
CGYM_MLIR_API int cgym_mlir_print(cgym_mlir_module *module, int generic, char **out,
                    char **error);

/* A copy of the module in a new context. */
CGYM_MLIR_API int cgym_mlir_clone(cgym_mlir_module *module, cgym_mlir_module **out,
                    char **error);

/* Translates a module already in the LLVM dialect to LLVM IR text. */
CGYM_MLIR_API int cgym_mlir_translate_to_llvm_ir(cgym_mlir_module *module, char **out,
                                   char **error);

/* Loop-nest features: CGYM_MLIR_MODULE_FEATURES numbers for the module, then
 * CGYM_MLIR_OP_FEATURES numbers per linalg operation in program order, at most
 * MAX_OPS of them, written to OUT (room for 5 + 22 * MAX_OPS values). *COUNT
 * gets the number of linalg operations, which may exceed MAX_OPS. The fields
 * are named in cgym_mlir.cpp (linalgFeatures) and in the C# LoopFeatures. */
#define CGYM_MLIR_MODULE_FEATURES 5
#define CGYM_MLIR_OP_FEATURES 22
CGYM_MLIR_API void cgym_mlir_loop_features(cgym_mlir_module *module, long long *out,
                                           size_t max_ops, size_t *count);

CGYM_MLIR_API void cgym_mlir_destroy(cgym_mlir_module *module);
CGYM_MLIR_API void cgym_mlir_free(char *text);

#ifdef __cplusplus
}
#endif

#endif /* CGYM_MLIR_H */

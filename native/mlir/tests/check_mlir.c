/* Checks libcgym-mlir.so end to end and times its steps against mlir-opt-22:
 *   check_mlir KERNEL.mlir TRANSFORM_LIBRARY.mlir PIPELINE LOWERING [REPEATS]
 * It parses the kernel, runs PIPELINE (a transformation) then LOWERING (to the LLVM
 * dialect) and translates to LLVM IR; checks that a malformed module, an unknown pass
 * and a failing pass come back as errors with messages; and prints the median time
 * of each step beside that of the same work done by mlir-opt-22 as a subprocess. */
#define _POSIX_C_SOURCE 200809L
#include "cgym_mlir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *values, int n) {
  qsort(values, n, sizeof *values, compare);
  return values[n / 2];
}

static char *readFile(const char *path, size_t *length) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  *length = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc(*length + 1);
  if (fread(text, 1, *length, f) != *length) { perror(path); exit(2); }
  text[*length] = 0;
  fclose(f);
  return text;
}

static void expect(int ok, const char *what, const char *detail) {
  if (!ok) {
    failures++;
    fprintf(stderr, "FAIL: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  }
}

/* Expects a failure whose message contains NEEDLE. */
static void expectError(int status, char *error, const char *what, const char *needle) {
  expect(status != 0, what, "succeeded");
  expect(status == 0 || (error && strstr(error, needle)), what, error);
  cgym_mlir_free(error);
}

static double timeCommand(const char *command, int repeats) {
  double times[64];
  for (int i = 0; i < repeats; i++) {
    double start = now();
    if (system(command) != 0) { fprintf(stderr, "FAIL: %s\n", command); failures++; }
    times[i] = now() - start;
  }
  return median(times, repeats);
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s KERNEL.mlir TRANSFORM_LIBRARY.mlir PIPELINE LOWERING [REPEATS]\n", argv[0]);
    return 2;
  }
  const char *kernelPath = argv[1], *library = argv[2];
  int repeats = argc > 5 ? atoi(argv[5]) : 10;
  if (repeats < 1 || repeats > 64) repeats = 10;
  char pipeline[8192], lowering[8192];
  snprintf(pipeline, sizeof pipeline, "builtin.module(transform-preload-library{transform-library-paths=%s},%s)", library, argv[3]);
  snprintf(lowering, sizeof lowering, "%s", argv[4]);
  size_t length;
  char *kernel = readFile(kernelPath, &length);

  double parse[64], transform[64], print[64], lower[64], translate[64];
  size_t irLength = 0;
  for (int i = 0; i < repeats; i++) {
    cgym_mlir_module *m = NULL;
    char *error = NULL, *text = NULL, *ir = NULL;
    double t0 = now();
    if (cgym_mlir_parse(kernel, length, kernelPath, &m, &error)) { fprintf(stderr, "FAIL: parse: %s\n", error); return 1; }
    double t1 = now();
    if (cgym_mlir_run_pipeline(m, pipeline, &error)) { fprintf(stderr, "FAIL: pipeline: %s\n", error); return 1; }
    double t2 = now();
    cgym_mlir_print(m, 0, &text, &error);
    double t3 = now();
    if (cgym_mlir_run_pipeline(m, lowering, &error)) { fprintf(stderr, "FAIL: lowering: %s\n", error); return 1; }
    double t4 = now();
    if (cgym_mlir_translate_to_llvm_ir(m, &ir, &error)) { fprintf(stderr, "FAIL: translate: %s\n", error); return 1; }
    double t5 = now();
    parse[i] = t1 - t0; transform[i] = t2 - t1; print[i] = t3 - t2; lower[i] = t4 - t3; translate[i] = t5 - t4;
    expect(strstr(ir, "define void @_mlir_ciface_") != NULL, "LLVM IR has the C interface", NULL);
    irLength = strlen(ir);
    cgym_mlir_free(text);
    cgym_mlir_free(ir);
    cgym_mlir_destroy(m);
  }

  /* Errors come back with MLIR's diagnostics, and leave the process running. */
  /* Out-parameters start as stale pointers: a failure must clear them, not leave them. */
  cgym_mlir_module *m = (cgym_mlir_module *)&failures;
  char *error = NULL;
  expectError(cgym_mlir_parse("func.func @f( {", 15, "bad.mlir", &m, &error), error, "malformed module", "bad.mlir");
  expect(m == NULL, "a failed parse sets its module to NULL", NULL);
  cgym_mlir_parse(kernel, length, kernelPath, &m, &error);
  error = NULL;
  expectError(cgym_mlir_run_pipeline(m, "builtin.module(no-such-pass)", &error), error, "unknown pass", "no-such-pass");
  error = NULL;
  char *ir = (char *)&failures;
  expect(cgym_mlir_run_pipeline(m, "builtin.module(convert-func-to-llvm)", &error) == 0, "convert-func-to-llvm", error);
  expectError(cgym_mlir_translate_to_llvm_ir(m, &ir, &error), error,
              "translation of a module not fully in the LLVM dialect", "error");
  expect(ir == NULL, "a failed translation sets its text to NULL", NULL);
  cgym_mlir_module *copy = NULL;
  error = NULL;
  expect(cgym_mlir_clone(m, &copy, &error) == 0, "clone", error);
  cgym_mlir_destroy(copy);
  cgym_mlir_destroy(m);

  /* The same work through mlir-opt-22 and mlir-translate-22 as subprocesses. */
  char command[20000];
  snprintf(command, sizeof command, "mlir-opt-22 '%s' --pass-pipeline='%s' -o /dev/null", kernelPath, pipeline);
  double optTransform = timeCommand(command, repeats);
  snprintf(command, sizeof command,
           "mlir-opt-22 '%s' --pass-pipeline='%s' | mlir-opt-22 --pass-pipeline='%s' | mlir-translate-22 --mlir-to-llvmir -o /dev/null",
           kernelPath, pipeline, lowering);
  double optAll = timeCommand(command, repeats);

  double p = median(parse, repeats), t = median(transform, repeats), pr = median(print, repeats),
         l = median(lower, repeats), tr = median(translate, repeats);
  printf("median of %d, ms        shim    subprocess\n", repeats);
  printf("parse + transform + print %7.2f  %8.2f\n", (p + t + pr) * 1e3, optTransform * 1e3);
  printf("  parse                   %7.2f\n  transform               %7.2f\n  print                   %7.2f\n", p * 1e3, t * 1e3, pr * 1e3);
  printf("+ lower + translate       %7.2f  %8.2f\n", (p + t + pr + l + tr) * 1e3, optAll * 1e3);
  printf("  lower                   %7.2f\n  translate               %7.2f  (%zu bytes of LLVM IR)\n", l * 1e3, tr * 1e3, irLength);
  printf("%d failures\n", failures);
  return failures != 0;
}

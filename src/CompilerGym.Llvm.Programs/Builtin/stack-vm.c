// description: Runs assembled programs on a stack virtual machine with two dispatch methods and checks them against C.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CODE_MAX 256
#define STACK_MAX 256
#define MEM_SIZE 8192
#define FRAMES_MAX 128
#define STEP_LIMIT 20000000L

enum op {
    OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_OVER,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_LT, OP_EQ, OP_NOT,
    OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET,
    OP_LOAD, OP_STORE,   /* memory[addr] */
    OP_ARG,              /* copy the k-th argument of the current frame */
    OP_COUNT
};

typedef struct {
    uint8_t op;
    uint8_t nargs; /* CALL only: arguments the callee takes from the stack */
    int32_t arg;
} insn;

typedef struct {
    const insn *code;
    int pc, sp, fp, rsp;
    uint32_t stack[STACK_MAX];
    int ret_pc[FRAMES_MAX], ret_fp[FRAMES_MAX];
    uint32_t mem[MEM_SIZE];
    long steps;
    int error; /* 0 running, 1 halted, -1 fault */
} vm;

/* ---- assembler with forward label references ---- */

typedef struct {
    insn code[CODE_MAX];
    int n;
    int label_at[32];
    int fix_pos[64], fix_label[64], nfix;
} assembler;

static void emit(assembler *a, enum op op, int32_t arg) {
    a->code[a->n].op = (uint8_t)op;
    a->code[a->n].nargs = 0;
    a->code[a->n++].arg = arg;
}

static void emit_jump(assembler *a, enum op op, int label) {
    a->fix_pos[a->nfix] = a->n;
    a->fix_label[a->nfix++] = label;
    emit(a, op, 0);
}

static void emit_call(assembler *a, int label, int nargs) {
    emit_jump(a, OP_CALL, label);
    a->code[a->n - 1].nargs = (uint8_t)nargs;
}

static void mark(assembler *a, int label) { a->label_at[label] = a->n; }

static void link(assembler *a) {
    for (int i = 0; i < a->nfix; i++) a->code[a->fix_pos[i]].arg = a->label_at[a->fix_label[i]];
}

/* ---- switch-dispatch interpreter ---- */

static int push(vm *m, uint32_t v) {
    if (m->sp >= STACK_MAX) return 0;
    m->stack[m->sp++] = v;
    return 1;
}

static int run_switch(vm *m) {
    while (!m->error) {
        if (++m->steps > STEP_LIMIT || m->pc < 0 || m->pc >= CODE_MAX) return m->error = -1;
        insn in = m->code[m->pc++];
        uint32_t a, b;
        /* Binary operators need two operands; everything else checks for itself. */
        if (in.op >= OP_SWAP && in.op <= OP_EQ && m->sp < 2) return m->error = -1;
        switch (in.op) {
        case OP_HALT: m->error = 1; break;
        case OP_PUSH: if (!push(m, (uint32_t)in.arg)) m->error = -1; break;
        case OP_POP: if (m->sp < 1) m->error = -1; else m->sp--; break;
        case OP_DUP: if (m->sp < 1 || !push(m, m->stack[m->sp - 1])) m->error = -1; break;
        case OP_SWAP:
            a = m->stack[m->sp - 1];
            m->stack[m->sp - 1] = m->stack[m->sp - 2];
            m->stack[m->sp - 2] = a;
            break;
        case OP_OVER: if (!push(m, m->stack[m->sp - 2])) m->error = -1; break;
        case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD: case OP_LT: case OP_EQ:
            b = m->stack[--m->sp];
            a = m->stack[m->sp - 1];
            switch (in.op) {
            case OP_ADD: a += b; break;
            case OP_SUB: a -= b; break;
            case OP_MUL: a *= b; break;
            case OP_DIV: if (!b) { m->error = -1; break; } a /= b; break;
            case OP_MOD: if (!b) { m->error = -1; break; } a %= b; break;
            case OP_LT: a = a < b; break;
            default: a = a == b; break;
            }
            m->stack[m->sp - 1] = a;
            break;
        case OP_NOT: if (m->sp < 1) m->error = -1; else m->stack[m->sp - 1] = !m->stack[m->sp - 1]; break;
        case OP_JMP: m->pc = in.arg; break;
        case OP_JZ: case OP_JNZ:
            if (m->sp < 1) { m->error = -1; break; }
            a = m->stack[--m->sp];
            if ((a == 0) == (in.op == OP_JZ)) m->pc = in.arg;
            break;
        case OP_CALL: /* the arguments already on the stack become the callee's frame */
            if (m->rsp >= FRAMES_MAX || m->sp < in.nargs) { m->error = -1; break; }
            m->ret_pc[m->rsp] = m->pc;
            m->ret_fp[m->rsp++] = m->fp;
            m->fp = m->sp - in.nargs;
            m->pc = in.arg;
            break;
        case OP_RET: /* result on top replaces the arguments */
            if (m->rsp < 1 || m->sp < 1) { m->error = -1; break; }
            a = m->stack[--m->sp];
            m->sp = m->fp;
            m->rsp--;
            m->pc = m->ret_pc[m->rsp];
            m->fp = m->ret_fp[m->rsp];
            if (!push(m, a)) m->error = -1;
            break;
        case OP_LOAD:
            if (m->sp < 1 || m->stack[m->sp - 1] >= MEM_SIZE) { m->error = -1; break; }
            m->stack[m->sp - 1] = m->mem[m->stack[m->sp - 1]];
            break;
        case OP_STORE: /* ( value addr -- ) */
            if (m->sp < 2 || m->stack[m->sp - 1] >= MEM_SIZE) { m->error = -1; break; }
            m->mem[m->stack[m->sp - 1]] = m->stack[m->sp - 2];
            m->sp -= 2;
            break;
        case OP_ARG:
            if (m->fp + in.arg >= m->sp || !push(m, m->stack[m->fp + in.arg])) m->error = -1;
            break;
        default: m->error = -1;
        }
    }
    return m->error;
}

/* ---- handler-table interpreter: one function per opcode ---- */

typedef int (*handler)(vm *, insn);

static uint32_t pop(vm *m) { return m->stack[--m->sp]; }

static int h_halt(vm *m, insn x) { (void)x; m->error = 1; return 1; }
static int h_push(vm *m, insn x) { return push(m, (uint32_t)x.arg); }
static int h_pop(vm *m, insn x) { (void)x; return m->sp >= 1 ? (m->sp--, 1) : 0; }
static int h_dup(vm *m, insn x) { (void)x; return m->sp >= 1 && push(m, m->stack[m->sp - 1]); }
static int h_swap(vm *m, insn x) {
    (void)x;
    if (m->sp < 2) return 0;
    uint32_t t = m->stack[m->sp - 1];
    m->stack[m->sp - 1] = m->stack[m->sp - 2];
    m->stack[m->sp - 2] = t;
    return 1;
}
static int h_over(vm *m, insn x) { (void)x; return m->sp >= 2 && push(m, m->stack[m->sp - 2]); }
static int h_add(vm *m, insn x) { (void)x; if (m->sp < 2) return 0; uint32_t b = pop(m); m->stack[m->sp - 1] += b; return 1; }
static int h_sub(vm *m, insn x) { (void)x; if (m->sp < 2) return 0; uint32_t b = pop(m); m->stack[m->sp - 1] -= b; return 1; }
static int h_mul(vm *m, insn x) { (void)x; if (m->sp < 2) return 0; uint32_t b = pop(m); m->stack[m->sp - 1] *= b; return 1; }
static int h_div(vm *m, insn x) {
    (void)x;
    if (m->sp < 2 || m->stack[m->sp - 1] == 0) return 0;
    uint32_t b = pop(m);
    m->stack[m->sp - 1] /= b;
    return 1;
}
static int h_mod(vm *m, insn x) {
    (void)x;
    if (m->sp < 2 || m->stack[m->sp - 1] == 0) return 0;
    uint32_t b = pop(m);
    m->stack[m->sp - 1] %= b;
    return 1;
}
static int h_lt(vm *m, insn x) { (void)x; if (m->sp < 2) return 0; uint32_t b = pop(m); m->stack[m->sp - 1] = m->stack[m->sp - 1] < b; return 1; }
static int h_eq(vm *m, insn x) { (void)x; if (m->sp < 2) return 0; uint32_t b = pop(m); m->stack[m->sp - 1] = m->stack[m->sp - 1] == b; return 1; }
static int h_not(vm *m, insn x) { (void)x; if (m->sp < 1) return 0; m->stack[m->sp - 1] = !m->stack[m->sp - 1]; return 1; }
static int h_jmp(vm *m, insn x) { m->pc = x.arg; return 1; }
static int h_jz(vm *m, insn x) { if (m->sp < 1) return 0; if (pop(m) == 0) m->pc = x.arg; return 1; }
static int h_jnz(vm *m, insn x) { if (m->sp < 1) return 0; if (pop(m) != 0) m->pc = x.arg; return 1; }
static int h_call(vm *m, insn x) {
    if (m->rsp >= FRAMES_MAX || m->sp < x.nargs) return 0;
    m->ret_pc[m->rsp] = m->pc;
    m->ret_fp[m->rsp++] = m->fp;
    m->fp = m->sp - x.nargs;
    m->pc = x.arg;
    return 1;
}
static int h_ret(vm *m, insn x) {
    (void)x;
    if (m->rsp < 1 || m->sp < 1) return 0;
    uint32_t v = pop(m);
    m->sp = m->fp;
    m->rsp--;
    m->pc = m->ret_pc[m->rsp];
    m->fp = m->ret_fp[m->rsp];
    return push(m, v);
}
static int h_load(vm *m, insn x) {
    (void)x;
    if (m->sp < 1 || m->stack[m->sp - 1] >= MEM_SIZE) return 0;
    m->stack[m->sp - 1] = m->mem[m->stack[m->sp - 1]];
    return 1;
}
static int h_store(vm *m, insn x) {
    (void)x;
    if (m->sp < 2 || m->stack[m->sp - 1] >= MEM_SIZE) return 0;
    m->mem[m->stack[m->sp - 1]] = m->stack[m->sp - 2];
    m->sp -= 2;
    return 1;
}
static int h_arg(vm *m, insn x) { return m->fp + x.arg < m->sp && push(m, m->stack[m->fp + x.arg]); }

static const handler handlers[OP_COUNT] = {
    h_halt, h_push, h_pop, h_dup, h_swap, h_over, h_add, h_sub, h_mul, h_div, h_mod,
    h_lt, h_eq, h_not, h_jmp, h_jz, h_jnz, h_call, h_ret, h_load, h_store, h_arg,
};

static int run_table(vm *m) {
    while (!m->error) {
        if (++m->steps > STEP_LIMIT || m->pc < 0 || m->pc >= CODE_MAX) return m->error = -1;
        insn in = m->code[m->pc++];
        if (in.op >= OP_COUNT || !handlers[in.op](m, in)) m->error = -1;
    }
    return m->error;
}

/* ---- programs ---- */

/* Sum of Collatz chain lengths for 1..n, with n in memory[0]. */
static void asm_collatz(assembler *a) {
    enum { LOOP, CHAIN, EVEN, STEP, DONE, END };
    emit(a, OP_PUSH, 0);                              /* total */
    emit(a, OP_PUSH, 1); emit(a, OP_PUSH, 1); emit(a, OP_STORE, 0); /* mem[1] = i = 1 */
    mark(a, LOOP);
    emit(a, OP_PUSH, 0); emit(a, OP_LOAD, 0); emit(a, OP_PUSH, 1); emit(a, OP_LOAD, 0);
    emit(a, OP_LT, 0); emit_jump(a, OP_JNZ, END);     /* n < i: done */
    emit(a, OP_PUSH, 1); emit(a, OP_LOAD, 0);         /* x = i */
    mark(a, CHAIN);
    emit(a, OP_DUP, 0); emit(a, OP_PUSH, 1); emit(a, OP_EQ, 0); emit_jump(a, OP_JNZ, DONE);
    emit(a, OP_SWAP, 0); emit(a, OP_PUSH, 1); emit(a, OP_ADD, 0); emit(a, OP_SWAP, 0); /* total++ */
    emit(a, OP_DUP, 0); emit(a, OP_PUSH, 2); emit(a, OP_MOD, 0); emit_jump(a, OP_JZ, EVEN);
    emit(a, OP_PUSH, 3); emit(a, OP_MUL, 0); emit(a, OP_PUSH, 1); emit(a, OP_ADD, 0);
    emit_jump(a, OP_JMP, STEP);
    mark(a, EVEN);
    emit(a, OP_PUSH, 2); emit(a, OP_DIV, 0);
    mark(a, STEP);
    emit_jump(a, OP_JMP, CHAIN);
    mark(a, DONE);
    emit(a, OP_POP, 0);
    emit(a, OP_PUSH, 1); emit(a, OP_LOAD, 0); emit(a, OP_PUSH, 1); emit(a, OP_ADD, 0);
    emit(a, OP_PUSH, 1); emit(a, OP_STORE, 0);        /* i++ */
    emit_jump(a, OP_JMP, LOOP);
    mark(a, END);
    emit(a, OP_HALT, 0);
}

/* Recursive Fibonacci: fib(n) = n < 2 ? n : fib(n-1) + fib(n-2). */
static void asm_fib(assembler *a, int n) {
    enum { FIB, BASE };
    emit(a, OP_PUSH, n);
    emit_call(a, FIB, 1);
    emit(a, OP_HALT, 0);
    mark(a, FIB);
    emit(a, OP_ARG, 0); emit(a, OP_PUSH, 2); emit(a, OP_LT, 0); emit_jump(a, OP_JNZ, BASE);
    emit(a, OP_ARG, 0); emit(a, OP_PUSH, 1); emit(a, OP_SUB, 0);
    emit_call(a, FIB, 1);
    emit(a, OP_ARG, 0); emit(a, OP_PUSH, 2); emit(a, OP_SUB, 0);
    emit_call(a, FIB, 1);
    emit(a, OP_ADD, 0); emit(a, OP_RET, 0);
    mark(a, BASE);
    emit(a, OP_ARG, 0); emit(a, OP_RET, 0);
}

/* Sieve of Eratosthenes over memory[100 .. 100+n), counting primes below n (n in memory[0]). */
static void asm_sieve(assembler *a) {
    enum { OUTER, INNER, NEXT, SKIP, END };
    emit(a, OP_PUSH, 0);                              /* count */
    emit(a, OP_PUSH, 2);                              /* i */
    mark(a, OUTER);
    emit(a, OP_DUP, 0); emit(a, OP_PUSH, 0); emit(a, OP_LOAD, 0); emit(a, OP_LT, 0);
    emit_jump(a, OP_JZ, END);
    emit(a, OP_DUP, 0); emit(a, OP_PUSH, 100); emit(a, OP_ADD, 0); emit(a, OP_LOAD, 0);
    emit_jump(a, OP_JNZ, SKIP);                       /* composite */
    emit(a, OP_SWAP, 0); emit(a, OP_PUSH, 1); emit(a, OP_ADD, 0); emit(a, OP_SWAP, 0);
    emit(a, OP_DUP, 0); emit(a, OP_DUP, 0); emit(a, OP_MUL, 0); /* j = i*i */
    mark(a, INNER);
    emit(a, OP_DUP, 0); emit(a, OP_PUSH, 0); emit(a, OP_LOAD, 0); emit(a, OP_LT, 0);
    emit_jump(a, OP_JZ, NEXT);
    emit(a, OP_PUSH, 1); emit(a, OP_OVER, 0); emit(a, OP_PUSH, 100); emit(a, OP_ADD, 0); emit(a, OP_STORE, 0);
    emit(a, OP_OVER, 0); emit(a, OP_ADD, 0);          /* j += i */
    emit_jump(a, OP_JMP, INNER);
    mark(a, NEXT);
    emit(a, OP_POP, 0);
    mark(a, SKIP);
    emit(a, OP_PUSH, 1); emit(a, OP_ADD, 0);
    emit_jump(a, OP_JMP, OUTER);
    mark(a, END);
    emit(a, OP_POP, 0);
    emit(a, OP_HALT, 0);
}

/* ---- the same computations in C ---- */

static uint32_t c_collatz(uint32_t n) {
    uint32_t total = 0;
    for (uint32_t i = 1; i <= n; i++)
        for (uint32_t x = i; x != 1; total++) x = x % 2 ? 3 * x + 1 : x / 2;
    return total;
}

static uint32_t c_fib(uint32_t n) { return n < 2 ? n : c_fib(n - 1) + c_fib(n - 2); }

static uint32_t c_sieve(uint32_t n) {
    static uint8_t composite[MEM_SIZE];
    uint32_t count = 0;
    memset(composite, 0, sizeof composite);
    for (uint32_t i = 2; i < n; i++) {
        if (composite[i]) continue;
        count++;
        for (uint32_t j = i * i; j < n; j += i) composite[j] = 1;
    }
    return count;
}

typedef int (*runner)(vm *);

/* Runs one program with one dispatcher; returns the value left on the stack. */
static int execute(const assembler *a, runner run, uint32_t input, uint32_t *result, long *steps) {
    static vm m;
    memset(&m, 0, sizeof m);
    m.code = a->code;
    m.mem[0] = input;
    if (run(&m) != 1 || m.sp != 1) return 0;
    *result = m.stack[0];
    *steps = m.steps;
    return 1;
}

int main(void) {
    static assembler progs[3];
    static const runner runners[2] = {run_switch, run_table};
    uint32_t expect[3], inputs[3] = {300, 0, 7000};
    uint32_t checksum = 0;
    long total_steps = 0;
    int ok = 1;

    asm_collatz(&progs[0]);
    asm_fib(&progs[1], 18);
    asm_sieve(&progs[2]);
    expect[0] = c_collatz(inputs[0]);
    expect[1] = c_fib(18);
    expect[2] = c_sieve(inputs[2]);
    for (int p = 0; p < 3; p++) {
        link(&progs[p]);
        long steps[2] = {0, 0};
        for (int r = 0; r < 2; r++) {
            uint32_t v = 0;
            ok &= execute(&progs[p], runners[r], inputs[p], &v, &steps[r]) && v == expect[p];
        }
        ok &= steps[0] == steps[1] && steps[0] > 0;
        total_steps += steps[0];
        checksum = checksum * 31u + expect[p];
    }

    /* Faults are caught, not executed: division by zero and stack underflow. */
    assembler bad;
    memset(&bad, 0, sizeof bad);
    emit(&bad, OP_PUSH, 1); emit(&bad, OP_PUSH, 0); emit(&bad, OP_DIV, 0); emit(&bad, OP_HALT, 0);
    uint32_t v;
    long s;
    for (int r = 0; r < 2; r++) ok &= !execute(&bad, runners[r], 0, &v, &s);
    bad.n = 0;
    emit(&bad, OP_ADD, 0); emit(&bad, OP_HALT, 0);
    for (int r = 0; r < 2; r++) ok &= !execute(&bad, runners[r], 0, &v, &s);

    printf("stack-vm: steps=%ld checksum=%08lx %s\n", total_steps, (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}

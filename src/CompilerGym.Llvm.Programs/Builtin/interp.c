// description: Parses and runs programs in a small C-like language with a tree walker and a bytecode VM and checks both against C.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_TOKENS 4096
#define MAX_NODES 4096
#define MAX_FUNCS 16
#define MAX_LOCALS 16
#define MAX_NAME 16
#define MEM_CELLS 4096
#define MAX_CODE 4096
#define MAX_DEPTH 400
#define VSTACK (MAX_DEPTH * (MAX_LOCALS + 8))
#define STEP_LIMIT 2000000L

/* ------------------------------------------------------------------ lexer */

enum tok {
    T_EOF, T_NUM, T_IDENT, T_FN, T_VAR, T_IF, T_ELSE, T_WHILE, T_RETURN,
    T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE, T_LBRACK, T_RBRACK, T_COMMA, T_SEMI, T_ASSIGN,
    T_OROR, T_ANDAND, T_OR, T_XOR, T_AND, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
    T_SHL, T_SHR, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT, T_BANG, T_TILDE, T_BAD
};

typedef struct {
    enum tok kind;
    int64_t num;
    char name[MAX_NAME];
    int line;
} token;

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

static enum tok keyword(const char *s) {
    static const struct {
        const char *word;
        enum tok kind;
    } words[] = {{"fn", T_FN}, {"var", T_VAR}, {"if", T_IF}, {"else", T_ELSE}, {"while", T_WHILE}, {"return", T_RETURN}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i].word) == 0) return words[i].kind;
    return T_IDENT;
}

/* Two-character operators first, so "<=" is not read as "<" then "=". */
static enum tok punct(const char *p, int *len) {
    static const struct {
        const char *text;
        enum tok kind;
    } ops[] = {
        {"||", T_OROR}, {"&&", T_ANDAND}, {"==", T_EQ}, {"!=", T_NE}, {"<=", T_LE}, {">=", T_GE}, {"<<", T_SHL},
        {">>", T_SHR},  {"(", T_LPAREN},  {")", T_RPAREN}, {"{", T_LBRACE}, {"}", T_RBRACE}, {"[", T_LBRACK},
        {"]", T_RBRACK}, {",", T_COMMA},  {";", T_SEMI},   {"=", T_ASSIGN}, {"|", T_OR},     {"^", T_XOR},
        {"&", T_AND},   {"<", T_LT},      {">", T_GT},     {"+", T_PLUS},   {"-", T_MINUS},  {"*", T_STAR},
        {"/", T_SLASH}, {"%", T_PERCENT}, {"!", T_BANG},   {"~", T_TILDE},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(p, ops[i].text, n) == 0) {
            *len = (int)n;
            return ops[i].kind;
        }
    }
    *len = 1;
    return T_BAD;
}

static int lex(const char *src, token *toks) {
    int n = 0, line = 1;
    const char *p = src;
    for (;;) {
        while (*p == ' ' || *p == '\n' || *p == '\t' || (*p == '/' && p[1] == '/')) {
            if (*p == '/')
                while (*p && *p != '\n') p++; /* line comment */
            else if (*p++ == '\n')
                line++;
        }
        if (n >= MAX_TOKENS - 1) return -1;
        token *t = &toks[n++];
        t->line = line;
        t->num = 0;
        t->name[0] = '\0';
        if (!*p) {
            t->kind = T_EOF;
            return n;
        }
        if (is_digit(*p)) {
            uint64_t v = 0;
            while (is_digit(*p)) v = v * 10u + (uint64_t)(*p++ - '0');
            if (v > INT64_MAX) return -1;
            t->kind = T_NUM;
            t->num = (int64_t)v;
        } else if (is_alpha(*p)) {
            int len = 0;
            while (is_alpha(*p) || is_digit(*p)) {
                if (len >= MAX_NAME - 1) return -1;
                t->name[len++] = *p++;
            }
            t->name[len] = '\0';
            t->kind = keyword(t->name);
        } else {
            int len;
            t->kind = punct(p, &len);
            if (t->kind == T_BAD) return -1;
            p += len;
        }
    }
}

/* ------------------------------------------------------------------ AST */

enum node_kind {
    N_NUM, N_LOCAL, N_MEM, N_CALL, N_BINARY, N_UNARY, N_ANDAND, N_OROR,
    S_ASSIGN, S_STORE, S_IF, S_WHILE, S_RETURN, S_EXPR, S_BLOCK
};

typedef struct {
    enum node_kind kind;
    enum tok op;
    int64_t value; /* number, local slot or function index */
    int a, b, c;   /* children, 0 = none (node 0 is reserved) */
    int next;      /* next statement or argument in a list */
} node;

typedef struct {
    char name[MAX_NAME];
    int nparams, nlocals, body;
} function;

typedef struct {
    const token *t;
    int pos;
    node nodes[MAX_NODES];
    int nnodes;
    function funcs[MAX_FUNCS];
    int nfuncs;
    char locals[MAX_LOCALS][MAX_NAME]; /* names in the function being parsed */
    int nlocals;
    int error;
} parser;

static int new_node(parser *p, enum node_kind k) {
    if (p->nnodes >= MAX_NODES) {
        p->error = 1;
        return 0;
    }
    int i = p->nnodes++;
    memset(&p->nodes[i], 0, sizeof p->nodes[i]);
    p->nodes[i].kind = k;
    return i;
}

static const token *peek(parser *p) { return &p->t[p->pos]; }

static int accept(parser *p, enum tok k) {
    if (p->t[p->pos].kind != k) return 0;
    p->pos++;
    return 1;
}

static void expect(parser *p, enum tok k) {
    if (!accept(p, k)) p->error = 1;
}

static int find_local(parser *p, const char *name) {
    for (int i = 0; i < p->nlocals; i++)
        if (strcmp(p->locals[i], name) == 0) return i;
    return -1;
}

static int add_local(parser *p, const char *name) {
    if (p->nlocals >= MAX_LOCALS || find_local(p, name) >= 0) {
        p->error = 1;
        return 0;
    }
    strcpy(p->locals[p->nlocals], name);
    return p->nlocals++;
}

/* Functions may be called before they are defined: unknown names get a slot now. */
static int find_func(parser *p, const char *name) {
    for (int i = 0; i < p->nfuncs; i++)
        if (strcmp(p->funcs[i].name, name) == 0) return i;
    if (p->nfuncs >= MAX_FUNCS) {
        p->error = 1;
        return 0;
    }
    strcpy(p->funcs[p->nfuncs].name, name);
    p->funcs[p->nfuncs].body = 0;
    p->funcs[p->nfuncs].nparams = -1;
    return p->nfuncs++;
}

static int parse_expr(parser *p);

static int parse_primary(parser *p) {
    const token *t = peek(p);
    if (accept(p, T_NUM)) {
        int n = new_node(p, N_NUM);
        p->nodes[n].value = t->num;
        return n;
    }
    if (accept(p, T_LPAREN)) {
        int e = parse_expr(p);
        expect(p, T_RPAREN);
        return e;
    }
    if (!accept(p, T_IDENT)) {
        p->error = 1;
        return 0;
    }
    if (accept(p, T_LPAREN)) {
        int n = new_node(p, N_CALL), last = 0, count = 0;
        p->nodes[n].value = find_func(p, t->name);
        if (!accept(p, T_RPAREN)) {
            do {
                int arg = parse_expr(p);
                if (last) p->nodes[last].next = arg;
                else p->nodes[n].a = arg;
                last = arg;
                count++;
            } while (accept(p, T_COMMA) && !p->error);
            expect(p, T_RPAREN);
        }
        p->nodes[n].b = count;
        return n;
    }
    if (accept(p, T_LBRACK)) {
        if (strcmp(t->name, "mem") != 0) p->error = 1;
        int n = new_node(p, N_MEM);
        p->nodes[n].a = parse_expr(p);
        expect(p, T_RBRACK);
        return n;
    }
    int slot = find_local(p, t->name);
    if (slot < 0) p->error = 1;
    int n = new_node(p, N_LOCAL);
    p->nodes[n].value = slot;
    return n;
}

static int parse_unary(parser *p) {
    enum tok k = peek(p)->kind;
    if (k == T_MINUS || k == T_BANG || k == T_TILDE) {
        p->pos++;
        int n = new_node(p, N_UNARY);
        p->nodes[n].op = k;
        p->nodes[n].a = parse_unary(p);
        return n;
    }
    return parse_primary(p);
}

/* Binding power of binary operators, C-like; 0 means not a binary operator. */
static int precedence(enum tok k) {
    switch (k) {
    case T_OROR: return 1;
    case T_ANDAND: return 2;
    case T_OR: return 3;
    case T_XOR: return 4;
    case T_AND: return 5;
    case T_EQ: case T_NE: return 6;
    case T_LT: case T_LE: case T_GT: case T_GE: return 7;
    case T_SHL: case T_SHR: return 8;
    case T_PLUS: case T_MINUS: return 9;
    case T_STAR: case T_SLASH: case T_PERCENT: return 10;
    default: return 0;
    }
}

/* Precedence climbing: all binary operators are left-associative. */
static int parse_binary(parser *p, int min_prec) {
    int lhs = parse_unary(p);
    for (;;) {
        enum tok k = peek(p)->kind;
        int prec = precedence(k);
        if (prec < min_prec || prec == 0 || p->error) return lhs;
        p->pos++;
        int rhs = parse_binary(p, prec + 1);
        int n = new_node(p, k == T_ANDAND ? N_ANDAND : k == T_OROR ? N_OROR : N_BINARY);
        p->nodes[n].op = k;
        p->nodes[n].a = lhs;
        p->nodes[n].b = rhs;
        lhs = n;
    }
}

static int parse_expr(parser *p) { return parse_binary(p, 1); }

static int parse_block(parser *p);

static int parse_statement(parser *p) {
    const token *t = peek(p);
    if (accept(p, T_VAR)) {
        const token *name = peek(p);
        expect(p, T_IDENT);
        expect(p, T_ASSIGN);
        int n = new_node(p, S_ASSIGN);
        p->nodes[n].a = parse_expr(p); /* parsed first: "var x = x;" must not see the new x */
        p->nodes[n].value = add_local(p, name->name);
        expect(p, T_SEMI);
        return n;
    }
    if (accept(p, T_IF)) {
        int n = new_node(p, S_IF);
        expect(p, T_LPAREN);
        p->nodes[n].a = parse_expr(p);
        expect(p, T_RPAREN);
        p->nodes[n].b = parse_block(p);
        if (accept(p, T_ELSE)) p->nodes[n].c = peek(p)->kind == T_IF ? parse_statement(p) : parse_block(p);
        return n;
    }
    if (accept(p, T_WHILE)) {
        int n = new_node(p, S_WHILE);
        expect(p, T_LPAREN);
        p->nodes[n].a = parse_expr(p);
        expect(p, T_RPAREN);
        p->nodes[n].b = parse_block(p);
        return n;
    }
    if (accept(p, T_RETURN)) {
        int n = new_node(p, S_RETURN);
        p->nodes[n].a = parse_expr(p);
        expect(p, T_SEMI);
        return n;
    }
    if (t->kind == T_IDENT && p->t[p->pos + 1].kind == T_ASSIGN) {
        p->pos += 2;
        int n = new_node(p, S_ASSIGN);
        p->nodes[n].value = find_local(p, t->name);
        if (p->nodes[n].value < 0) p->error = 1;
        p->nodes[n].a = parse_expr(p);
        expect(p, T_SEMI);
        return n;
    }
    int e = parse_expr(p);
    if (accept(p, T_ASSIGN)) {
        /* Only mem[i] is assignable here. */
        if (p->nodes[e].kind != N_MEM) p->error = 1;
        int n = new_node(p, S_STORE);
        p->nodes[n].a = p->nodes[e].a;
        p->nodes[n].b = parse_expr(p);
        expect(p, T_SEMI);
        return n;
    }
    int n = new_node(p, S_EXPR);
    p->nodes[n].a = e;
    expect(p, T_SEMI);
    return n;
}

static int parse_block(parser *p) {
    int blk = new_node(p, S_BLOCK), last = 0;
    expect(p, T_LBRACE);
    while (!p->error && peek(p)->kind != T_RBRACE && peek(p)->kind != T_EOF) {
        int s = parse_statement(p);
        if (last) p->nodes[last].next = s;
        else p->nodes[blk].a = s;
        last = s;
    }
    expect(p, T_RBRACE);
    return blk;
}

static int parse_program(parser *p, const token *toks) {
    memset(p, 0, sizeof *p);
    p->t = toks;
    p->nnodes = 1;
    while (!p->error && !accept(p, T_EOF)) {
        expect(p, T_FN);
        const token *name = peek(p);
        expect(p, T_IDENT);
        if (p->error) break;
        int f = find_func(p, name->name);
        if (p->funcs[f].body) p->error = 1; /* defined twice */
        p->nlocals = 0;
        expect(p, T_LPAREN);
        if (!accept(p, T_RPAREN)) {
            do {
                const token *param = peek(p);
                expect(p, T_IDENT);
                add_local(p, param->name);
            } while (!p->error && accept(p, T_COMMA));
            expect(p, T_RPAREN);
        }
        p->funcs[f].nparams = p->nlocals;
        p->funcs[f].body = parse_block(p);
        p->funcs[f].nlocals = p->nlocals;
    }
    /* Every called function must exist and receive the right number of arguments. */
    for (int i = 1; i < p->nnodes && !p->error; i++)
        if (p->nodes[i].kind == N_CALL) {
            const function *f = &p->funcs[p->nodes[i].value];
            if (!f->body || f->nparams != p->nodes[i].b) p->error = 1;
        }
    return !p->error;
}

/* ------------------------------------------------------------------ shared arithmetic */

typedef struct {
    int64_t mem[MEM_CELLS];
    int error;
    long steps;
} machine;

/* Wrapping two's-complement arithmetic, spelled out so no operation can overflow in C. */
static int64_t wrap(uint64_t v) { return v <= INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1; }

static int64_t binary_op(machine *m, enum tok op, int64_t a, int64_t b) {
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
    case T_PLUS: return wrap(ua + ub);
    case T_MINUS: return wrap(ua - ub);
    case T_STAR: return wrap(ua * ub);
    case T_SLASH:
    case T_PERCENT:
        if (b == 0) {
            m->error = 1;
            return 0;
        }
        if (a == INT64_MIN && b == -1) return op == T_SLASH ? INT64_MIN : 0;
        return op == T_SLASH ? a / b : a % b;
    case T_SHL: return wrap(ua << (ub & 63u));
    case T_SHR: /* arithmetic shift, computed without shifting a negative value */
        return a >= 0 ? (int64_t)(ua >> (ub & 63u)) : wrap(~(~ua >> (ub & 63u)));
    case T_AND: return wrap(ua & ub);
    case T_OR: return wrap(ua | ub);
    case T_XOR: return wrap(ua ^ ub);
    case T_EQ: return a == b;
    case T_NE: return a != b;
    case T_LT: return a < b;
    case T_LE: return a <= b;
    case T_GT: return a > b;
    case T_GE: return a >= b;
    default: m->error = 1; return 0;
    }
}

static int64_t unary_op(enum tok op, int64_t a) {
    switch (op) {
    case T_MINUS: return wrap(0u - (uint64_t)a);
    case T_BANG: return !a;
    default: return wrap(~(uint64_t)a);
    }
}

static int mem_index(machine *m, int64_t i) {
    if (i < 0 || i >= MEM_CELLS) {
        m->error = 1;
        return 0;
    }
    return (int)i;
}

/* ------------------------------------------------------------------ engine 1: tree walker */

typedef struct {
    const parser *prog;
    machine *m;
    int depth;
} walker;

static int64_t call_function(walker *w, int f, const int64_t *args);

static int64_t eval(walker *w, int n, int64_t *locals) {
    const node *nd = &w->prog->nodes[n];
    machine *m = w->m;
    if (m->error) return 0;
    if (++m->steps > STEP_LIMIT) {
        m->error = 1;
        return 0;
    }
    switch (nd->kind) {
    case N_NUM: return nd->value;
    case N_LOCAL: return locals[nd->value];
    case N_MEM: {
        int i = mem_index(m, eval(w, nd->a, locals));
        return m->error ? 0 : m->mem[i];
    }
    case N_CALL: {
        int64_t args[MAX_LOCALS];
        int k = 0;
        for (int a = nd->a; a; a = w->prog->nodes[a].next) args[k++] = eval(w, a, locals);
        return call_function(w, (int)nd->value, args);
    }
    case N_BINARY: {
        int64_t a = eval(w, nd->a, locals), b = eval(w, nd->b, locals);
        return binary_op(m, nd->op, a, b);
    }
    case N_UNARY: return unary_op(nd->op, eval(w, nd->a, locals));
    case N_ANDAND: return eval(w, nd->a, locals) ? eval(w, nd->b, locals) != 0 : 0;
    case N_OROR: return eval(w, nd->a, locals) ? 1 : eval(w, nd->b, locals) != 0;
    default: m->error = 1; return 0;
    }
}

/* Returns 1 when a return statement ran, with its value in *ret. */
static int exec(walker *w, int n, int64_t *locals, int64_t *ret) {
    machine *m = w->m;
    for (; n && !m->error; n = w->prog->nodes[n].next) {
        const node *nd = &w->prog->nodes[n];
        switch (nd->kind) {
        case S_ASSIGN: locals[nd->value] = eval(w, nd->a, locals); break;
        case S_STORE: {
            int i = mem_index(m, eval(w, nd->a, locals));
            int64_t v = eval(w, nd->b, locals);
            if (!m->error) m->mem[i] = v;
            break;
        }
        case S_IF:
            if (eval(w, nd->a, locals)) {
                if (exec(w, nd->b, locals, ret)) return 1;
            } else if (nd->c && exec(w, nd->c, locals, ret)) {
                return 1;
            }
            break;
        case S_WHILE:
            while (!m->error && eval(w, nd->a, locals))
                if (exec(w, nd->b, locals, ret)) return 1;
            break;
        case S_RETURN: *ret = eval(w, nd->a, locals); return 1;
        case S_EXPR: eval(w, nd->a, locals); break;
        case S_BLOCK:
            if (exec(w, nd->a, locals, ret)) return 1;
            break;
        default: m->error = 1;
        }
    }
    return 0;
}

static int64_t call_function(walker *w, int f, const int64_t *args) {
    const function *fn = &w->prog->funcs[f];
    int64_t locals[MAX_LOCALS] = {0}, ret = 0;
    if (w->m->error) return 0;
    if (++w->depth > MAX_DEPTH) {
        w->m->error = 1;
        return 0;
    }
    memcpy(locals, args, sizeof(int64_t) * (size_t)fn->nparams);
    exec(w, fn->body, locals, &ret); /* falling off the end returns 0 */
    w->depth--;
    return ret;
}

/* ------------------------------------------------------------------ engine 2: bytecode */

enum opcode {
    B_CONST, B_LOAD, B_STORE, B_MLOAD, B_MSTORE, B_BIN, B_UN, B_JMP, B_JZ, B_JNZ,
    B_CALL, B_RET, B_POP, B_BOOL
};

typedef struct {
    uint8_t op;
    uint8_t sub; /* operator token for B_BIN/B_UN, argument count for B_CALL */
    int64_t arg;
} code;

typedef struct {
    code c[MAX_CODE];
    int n;
    int entry[MAX_FUNCS];
    int error;
} program;

static int emit(program *pg, enum opcode op, int sub, int64_t arg) {
    if (pg->n >= MAX_CODE) {
        pg->error = 1;
        return 0;
    }
    pg->c[pg->n] = (code){(uint8_t)op, (uint8_t)sub, arg};
    return pg->n++;
}

static void patch(program *pg, int at) { pg->c[at].arg = pg->n; }

static void compile_expr(program *pg, const parser *p, int n) {
    const node *nd = &p->nodes[n];
    switch (nd->kind) {
    case N_NUM: emit(pg, B_CONST, 0, nd->value); break;
    case N_LOCAL: emit(pg, B_LOAD, 0, nd->value); break;
    case N_MEM:
        compile_expr(pg, p, nd->a);
        emit(pg, B_MLOAD, 0, 0);
        break;
    case N_CALL:
        for (int a = nd->a; a; a = p->nodes[a].next) compile_expr(pg, p, a);
        emit(pg, B_CALL, (int)nd->b, nd->value);
        break;
    case N_BINARY:
        compile_expr(pg, p, nd->a);
        compile_expr(pg, p, nd->b);
        emit(pg, B_BIN, nd->op, 0);
        break;
    case N_UNARY:
        compile_expr(pg, p, nd->a);
        emit(pg, B_UN, nd->op, 0);
        break;
    case N_ANDAND:
    case N_OROR: {
        /* a && b: if a is false the result is 0 without evaluating b (dually for ||). */
        compile_expr(pg, p, nd->a);
        int skip = emit(pg, nd->kind == N_ANDAND ? B_JZ : B_JNZ, 0, 0);
        compile_expr(pg, p, nd->b);
        emit(pg, B_BOOL, 0, 0);
        int done = emit(pg, B_JMP, 0, 0);
        patch(pg, skip);
        emit(pg, B_CONST, 0, nd->kind == N_ANDAND ? 0 : 1);
        patch(pg, done);
        break;
    }
    default: pg->error = 1;
    }
}

static void compile_stmts(program *pg, const parser *p, int n) {
    for (; n; n = p->nodes[n].next) {
        const node *nd = &p->nodes[n];
        switch (nd->kind) {
        case S_ASSIGN:
            compile_expr(pg, p, nd->a);
            emit(pg, B_STORE, 0, nd->value);
            break;
        case S_STORE:
            compile_expr(pg, p, nd->a);
            compile_expr(pg, p, nd->b);
            emit(pg, B_MSTORE, 0, 0);
            break;
        case S_IF: {
            compile_expr(pg, p, nd->a);
            int to_else = emit(pg, B_JZ, 0, 0);
            compile_stmts(pg, p, nd->b);
            if (nd->c) {
                int to_end = emit(pg, B_JMP, 0, 0);
                patch(pg, to_else);
                compile_stmts(pg, p, nd->c); /* a block, or an "else if" statement with no successor */
                patch(pg, to_end);
            } else {
                patch(pg, to_else);
            }
            break;
        }
        case S_WHILE: {
            int top = pg->n;
            compile_expr(pg, p, nd->a);
            int exit = emit(pg, B_JZ, 0, 0);
            compile_stmts(pg, p, nd->b);
            emit(pg, B_JMP, 0, top);
            patch(pg, exit);
            break;
        }
        case S_RETURN:
            compile_expr(pg, p, nd->a);
            emit(pg, B_RET, 0, 0);
            break;
        case S_EXPR:
            compile_expr(pg, p, nd->a);
            emit(pg, B_POP, 0, 0);
            break;
        case S_BLOCK: compile_stmts(pg, p, nd->a); break;
        default: pg->error = 1;
        }
    }
}

static int compile(program *pg, const parser *p) {
    memset(pg, 0, sizeof *pg);
    for (int f = 0; f < p->nfuncs; f++) {
        pg->entry[f] = pg->n;
        compile_stmts(pg, p, p->funcs[f].body);
        emit(pg, B_CONST, 0, 0); /* implicit "return 0" */
        emit(pg, B_RET, 0, 0);
    }
    return !pg->error;
}

typedef struct {
    int ret_pc, base;
} frame;

static int64_t run_vm(const program *pg, machine *m, int f, const int64_t *args, int nargs) {
    static int64_t stack[VSTACK];
    static frame frames[MAX_DEPTH + 1];
    int sp = 0, fp = 0, depth = 0, pc = pg->entry[f];
    /* A frame holds the locals; its operand stack grows above them. */
    memset(stack, 0, sizeof(int64_t) * MAX_LOCALS);
    memcpy(stack, args, sizeof(int64_t) * (size_t)nargs);
    sp = MAX_LOCALS;
    frames[0] = (frame){-1, 0};
    while (!m->error) {
        if (++m->steps > STEP_LIMIT || sp >= VSTACK - 2) {
            m->error = 1;
            break;
        }
        const code *c = &pg->c[pc++];
        switch ((enum opcode)c->op) {
        case B_CONST: stack[sp++] = c->arg; break;
        case B_LOAD: stack[sp++] = stack[fp + c->arg]; break;
        case B_STORE: stack[fp + c->arg] = stack[--sp]; break;
        case B_MLOAD: {
            int i = mem_index(m, stack[sp - 1]);
            stack[sp - 1] = m->error ? 0 : m->mem[i];
            break;
        }
        case B_MSTORE: {
            int64_t v = stack[--sp];
            int i = mem_index(m, stack[--sp]);
            if (!m->error) m->mem[i] = v;
            break;
        }
        case B_BIN: {
            int64_t b = stack[--sp];
            stack[sp - 1] = binary_op(m, (enum tok)c->sub, stack[sp - 1], b);
            break;
        }
        case B_UN: stack[sp - 1] = unary_op((enum tok)c->sub, stack[sp - 1]); break;
        case B_JMP: pc = (int)c->arg; break;
        case B_JZ: if (stack[--sp] == 0) pc = (int)c->arg; break;
        case B_JNZ: if (stack[--sp] != 0) pc = (int)c->arg; break;
        case B_BOOL: stack[sp - 1] = stack[sp - 1] != 0; break;
        case B_POP: sp--; break;
        case B_CALL: {
            if (depth >= MAX_DEPTH) {
                m->error = 1;
                break;
            }
            /* Arguments on the operand stack become the first locals of the new frame. */
            int base = sp - c->sub;
            if (base + MAX_LOCALS >= VSTACK) {
                m->error = 1;
                break;
            }
            memset(stack + sp, 0, sizeof(int64_t) * (size_t)(MAX_LOCALS - c->sub));
            frames[++depth] = (frame){pc, fp};
            fp = base;
            sp = base + MAX_LOCALS;
            pc = pg->entry[c->arg];
            break;
        }
        case B_RET: {
            int64_t v = stack[--sp];
            if (depth == 0) return v;
            sp = fp;
            pc = frames[depth].ret_pc;
            fp = frames[depth--].base;
            stack[sp++] = v;
            break;
        }
        default: m->error = 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ test programs */

static const char *src_fib =
    "fn fib(n) { if (n < 2) { return n; } return fib(n - 1) + fib(n - 2); }\n"
    "fn main(a, b) { return fib(a) * 1000 + fib(b); }\n";

static const char *src_sieve =
    "// counts primes below n using mem as the sieve\n"
    "fn main(n, unused) {\n"
    "  var i = 2; var count = 0;\n"
    "  while (i < n) { mem[i] = 0; i = i + 1; }\n"
    "  i = 2;\n"
    "  while (i < n) {\n"
    "    if (mem[i] == 0) {\n"
    "      count = count + 1;\n"
    "      var j = i * i;\n"
    "      while (j < n) { mem[j] = 1; j = j + i; }\n"
    "    }\n"
    "    i = i + 1;\n"
    "  }\n"
    "  return count;\n"
    "}\n";

static const char *src_sort =
    "fn lcg(s) { return (s * 1103515245 + 12345) & 2147483647; }\n"
    "fn fill(n, seed) { var i = 0; while (i < n) { seed = lcg(seed); mem[i] = seed % 1000 - 500; i = i + 1; } return seed; }\n"
    "fn sort(n) {\n"
    "  var i = 1;\n"
    "  while (i < n) {\n"
    "    var v = mem[i]; var j = i - 1;\n"
    "    while (j >= 0 && mem[j] > v) { mem[j + 1] = mem[j]; j = j - 1; }\n"
    "    mem[j + 1] = v; i = i + 1;\n"
    "  }\n"
    "  return 0;\n"
    "}\n"
    "fn main(n, seed) {\n"
    "  fill(n, seed); sort(n);\n"
    "  var i = 0; var h = 0; var ok = 1;\n"
    "  while (i < n) { if (i > 0 && mem[i - 1] > mem[i]) { ok = 0; } h = (h * 31 + mem[i]) & 4294967295; i = i + 1; }\n"
    "  return h * 2 + ok;\n"
    "}\n";

static const char *src_gcd =
    "fn gcd(a, b) { while (b != 0) { var t = a % b; a = b; b = t; } return a; }\n"
    "fn main(n, unused) {\n"
    "  var s = 0; var i = 1;\n"
    "  while (i <= n) { var j = 1; while (j <= n) { s = s + gcd(i, j); j = j + 1; } i = i + 1; }\n"
    "  return s;\n"
    "}\n";

static const char *src_ops =
    "fn classify(x) { if (x < 0) { return -1; } else if (x == 0) { return 0; } else { return 1; } }\n"
    "fn main(a, b) {\n"
    "  var r = 0;\n"
    "  r = r * 7 + a / b; r = r * 7 + a % b; r = r * 7 + (-a) / b; r = r * 7 + (-a) % b;\n"
    "  r = r ^ (a << 3) ^ (-a >> 2) ^ ~b;\n"
    "  r = r + (a > b) + (a >= b) * 2 + (a <= b) * 4 + (a != b) * 8 + !a * 16;\n"
    "  r = r + classify(a - b) * 100 + classify(b - a) * 1000 + classify(0) * 10000;\n"
    "  r = r + (b > 0 || 1 / 0) + (b < 0 && 1 / 0);\n"
    "  r = r + (9223372036854775807 + a) + 9223372036854775807 * 3;\n"
    "  return r & 281474976710655 | (a & 7) << 48;\n"
    "}\n";

static const char *src_ackermann =
    "fn ack(m, n) {\n"
    "  if (m == 0) { return n + 1; }\n"
    "  if (n == 0) { return ack(m - 1, 1); }\n"
    "  return ack(m - 1, ack(m, n - 1));\n"
    "}\n"
    "fn main(m, n) { return ack(m, n); }\n";

/* ---- the same computations in C ---- */

static int64_t c_fib(int64_t n) { return n < 2 ? n : c_fib(n - 1) + c_fib(n - 2); }

static int64_t c_main_fib(int64_t a, int64_t b) { return c_fib(a) * 1000 + c_fib(b); }

static int64_t c_main_sieve(int64_t n, int64_t unused) {
    static uint8_t comp[MEM_CELLS];
    int64_t count = 0;
    (void)unused;
    memset(comp, 0, sizeof comp);
    for (int64_t i = 2; i < n; i++) {
        if (comp[i]) continue;
        count++;
        for (int64_t j = i * i; j < n; j += i) comp[j] = 1;
    }
    return count;
}

static int cmp64(const void *x, const void *y) {
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

static int64_t c_main_sort(int64_t n, int64_t seed) {
    static int64_t v[MEM_CELLS];
    for (int64_t i = 0; i < n; i++) {
        seed = (int64_t)(((uint64_t)seed * 1103515245u + 12345u) & 2147483647u);
        v[i] = seed % 1000 - 500;
    }
    /* a different algorithm on purpose: only the sorted result must match */
    for (int64_t gap = n / 2; gap > 0; gap /= 2)
        for (int64_t i = gap; i < n; i++)
            for (int64_t j = i; j >= gap && cmp64(&v[j - gap], &v[j]) > 0; j -= gap) {
                int64_t t = v[j];
                v[j] = v[j - gap];
                v[j - gap] = t;
            }
    uint64_t h = 0;
    for (int64_t i = 0; i < n; i++) h = (h * 31u + (uint64_t)v[i]) & 4294967295u;
    return (int64_t)h * 2 + 1;
}

static int64_t c_gcd(int64_t a, int64_t b) { return b ? c_gcd(b, a % b) : a; }

static int64_t c_main_gcd(int64_t n, int64_t unused) {
    int64_t s = 0;
    (void)unused;
    for (int64_t i = 1; i <= n; i++)
        for (int64_t j = 1; j <= n; j++) s += c_gcd(i, j);
    return s;
}

static int64_t c_classify(int64_t x) { return x < 0 ? -1 : x == 0 ? 0 : 1; }

static int64_t c_main_ops(int64_t a, int64_t b) {
    uint64_t r = 0;
    r = r * 7u + (uint64_t)(a / b);
    r = r * 7u + (uint64_t)(a % b);
    r = r * 7u + (uint64_t)(-a / b);
    r = r * 7u + (uint64_t)(-a % b);
    /* -a >> 2 as an arithmetic shift: floor division by 4 */
    int64_t sh = -a >= 0 ? -a / 4 : -((a + 3) / 4);
    r = r ^ ((uint64_t)a << 3) ^ (uint64_t)sh ^ ~(uint64_t)b;
    r += (uint64_t)((a > b) + (a >= b) * 2 + (a <= b) * 4 + (a != b) * 8 + !a * 16);
    r += (uint64_t)(c_classify(a - b) * 100 + c_classify(b - a) * 1000 + c_classify(0) * 10000);
    r += (uint64_t)(b > 0); /* the tests use b > 0, so short-circuiting skips both 1 / 0 */
    r += (uint64_t)INT64_MAX + (uint64_t)a + (uint64_t)INT64_MAX * 3u;
    return (int64_t)((r & 281474976710655u) | (((uint64_t)a & 7u) << 48));
}

static int64_t c_ack(int64_t m, int64_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return c_ack(m - 1, 1);
    return c_ack(m - 1, c_ack(m, n - 1));
}

static int64_t c_main_ack(int64_t m, int64_t n) { return c_ack(m, n); }

typedef int64_t (*native_fn)(int64_t, int64_t);

typedef struct {
    const char *src;
    native_fn native;
    int64_t a, b;
} test_case;

static int run_case(const test_case *tc, uint32_t *checksum, long *steps) {
    static token toks[MAX_TOKENS];
    static parser p;
    static program pg;
    static machine m1, m2;
    if (lex(tc->src, toks) < 0 || !parse_program(&p, toks) || !compile(&pg, &p)) return 0;
    int main_fn = -1;
    for (int f = 0; f < p.nfuncs; f++)
        if (strcmp(p.funcs[f].name, "main") == 0) main_fn = f;
    if (main_fn < 0 || p.funcs[main_fn].nparams != 2) return 0;
    int64_t args[2] = {tc->a, tc->b};
    memset(&m1, 0, sizeof m1);
    memset(&m2, 0, sizeof m2);
    walker w = {&p, &m1, 0};
    int64_t r1 = call_function(&w, main_fn, args);
    int64_t r2 = run_vm(&pg, &m2, main_fn, args, 2);
    int64_t expect = tc->native(tc->a, tc->b);
    *checksum = *checksum * 1000003u + (uint32_t)r1 + (uint32_t)((uint64_t)r1 >> 32);
    *steps += m1.steps + m2.steps;
    return !m1.error && !m2.error && r1 == expect && r2 == expect && memcmp(m1.mem, m2.mem, sizeof m1.mem) == 0;
}

/* Both engines must stop with an error, not crash, on a faulting program. */
static int faults_cleanly(const char *src) {
    static token toks[MAX_TOKENS];
    static parser p;
    static program pg;
    static machine m1, m2;
    if (lex(src, toks) < 0 || !parse_program(&p, toks) || !compile(&pg, &p)) return 0;
    int64_t args[2] = {0, 0};
    memset(&m1, 0, sizeof m1);
    memset(&m2, 0, sizeof m2);
    walker w = {&p, &m1, 0};
    call_function(&w, 0, args);
    run_vm(&pg, &m2, 0, args, 2);
    return m1.error && m2.error;
}

static int rejected(const char *src) {
    static token toks[MAX_TOKENS];
    static parser p;
    return lex(src, toks) < 0 || !parse_program(&p, toks);
}

int main(void) {
    static const test_case cases[] = {
        {NULL, c_main_fib, 17, 12},
        {NULL, c_main_sieve, 3000, 0},
        {NULL, c_main_sort, 300, 42},
        {NULL, c_main_gcd, 30, 0},
        {NULL, c_main_ops, 1234567, 89},
        {NULL, c_main_ops, -987654, 321},
        {NULL, c_main_ack, 2, 3},
    };
    const char *sources[] = {src_fib, src_sieve, src_sort, src_gcd, src_ops, src_ops, src_ackermann};
    uint32_t checksum = 0;
    long steps = 0;
    int ok = 1;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        test_case tc = cases[i];
        tc.src = sources[i];
        ok &= run_case(&tc, &checksum, &steps);
    }
    ok &= faults_cleanly("fn main(a, b) { return 1 / a; }");
    ok &= faults_cleanly("fn main(a, b) { return mem[a - 1]; }");
    ok &= faults_cleanly("fn main(a, b) { return main(a + 1, b); }");
    ok &= faults_cleanly("fn main(a, b) { while (1) { a = a + 1; } return a; }");
    ok &= rejected("fn main(a, b) { return c; }");
    ok &= rejected("fn main(a, b) { return f(a); }");
    ok &= rejected("fn main(a, b) { return (a + ; }");
    ok &= rejected("fn main(a, b) { var a = 1; return a; }");
    ok &= rejected("fn main(a, b) { return a $ b; }");

    printf("interp: steps=%ld checksum=%08lx %s\n", steps, (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}

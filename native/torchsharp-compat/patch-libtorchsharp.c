/* patch-libtorchsharp SRC DEST: writes to DEST a copy of TorchSharp's libLibTorchSharp.so that
 * loads with this system's libstdc++ (see native/README.md).
 *
 * The library is built against GCC 13's libstdc++ and takes one symbol from it that Debian 12's
 * libstdc++ lacks, std::ios_base_library_init() at version GLIBCXX_3.4.32. libtorchsharp-compat.so
 * defines it. Three edits make the dynamic loader accept the library and bind the symbol to the
 * shim:
 *   1. patchelf --clear-symbol-version: the reference becomes unversioned, so the shim's
 *      (unversioned) definition satisfies it;
 *   2. patchelf --add-needed: the library loads the shim, found next to it through its $ORIGIN
 *      runpath;
 *   3. the GLIBCXX_3.4.32 entry of its version needs (.gnu.version_r) gets VER_FLG_WEAK: ld.so
 *      refuses a library that needs a version its dependency does not define, unless the need is
 *      weak.
 * Before editing it checks that the library needs exactly that: every other version it needs from
 * libstdc++ is defined by the libstdc++ the dynamic loader finds here, and no other symbol uses
 * GLIBCXX_3.4.32. A library that is already patched is copied unchanged, so patching twice is a
 * no-op. DEST is replaced atomically, and only by a copy that checks out as patched. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char LIBSTDCXX[] = "libstdc++.so.6";
static const char VERSION[] = "GLIBCXX_3.4.32";
static const char SYMBOL[] = "_ZSt21ios_base_library_initv"; /* std::ios_base_library_init() */
static const char SHIM[] = "libtorchsharp-compat.so";

extern char **environ;

static char *temporary; /* removed if we fail */

static _Noreturn void die(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("patch-libtorchsharp: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    if (temporary)
        unlink(temporary);
    exit(1);
}

struct file {
    const char *path;
    unsigned char *data;
    size_t size;
    mode_t mode;
};

static struct file load(const char *path)
{
    struct file f = {.path = path};
    FILE *in = fopen(path, "rb");
    struct stat st;
    if (!in || fstat(fileno(in), &st) != 0)
        die("cannot read %s", path);
    f.size = (size_t)st.st_size;
    f.mode = st.st_mode & 07777;
    f.data = malloc(f.size);
    if (!f.data || fread(f.data, 1, f.size, in) != f.size)
        die("cannot read %s", path);
    fclose(in);
    return f;
}

static void store(const struct file *f, const char *path)
{
    FILE *out = fopen(path, "wb");
    if (!out || fwrite(f->data, 1, f->size, out) != f->size || fclose(out) != 0 ||
        chmod(path, f->mode) != 0)
        die("cannot write %s", path);
}

/* The bytes at [offset, offset + length) of the file, which must lie inside it. */
static void *at(const struct file *f, Elf64_Off offset, size_t length)
{
    if (offset > f->size || length > f->size - offset)
        die("%s: truncated or corrupt ELF file", f->path);
    return f->data + offset;
}

static const Elf64_Shdr *section_at(const struct file *f, size_t index)
{
    const Elf64_Ehdr *eh = at(f, 0, sizeof *eh);
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64 ||
        eh->e_shentsize != sizeof(Elf64_Shdr))
        die("%s is not an x86-64 ELF file", f->path);
    if (index >= eh->e_shnum)
        die("%s: corrupt ELF file", f->path);
    return at(f, eh->e_shoff + index * sizeof(Elf64_Shdr), sizeof(Elf64_Shdr));
}

static const Elf64_Shdr *section(const struct file *f, Elf64_Word type)
{
    const Elf64_Ehdr *eh = at(f, 0, sizeof *eh);
    for (size_t i = 0; i < eh->e_shnum; i++)
        if (section_at(f, i)->sh_type == type)
            return section_at(f, i);
    die("%s has no section of type %#x", f->path, type);
}

/* String `offset` of the string table that section `s` links to. */
static const char *string(const struct file *f, const Elf64_Shdr *s, Elf64_Word offset)
{
    const Elf64_Shdr *strtab = section_at(f, s->sh_link);
    if (offset >= strtab->sh_size)
        die("%s: corrupt string table", f->path);
    const char *str = at(f, strtab->sh_offset + offset, strtab->sh_size - offset);
    if (!memchr(str, '\0', strtab->sh_size - offset))
        die("%s: corrupt string table", f->path);
    return str;
}

/* Whether the shared library defines symbol version `version` (its .gnu.version_d). */
static bool defines(const struct file *lib, const char *version)
{
    const Elf64_Shdr *verdef = section(lib, SHT_GNU_verdef);
    Elf64_Off offset = verdef->sh_offset;
    for (Elf64_Word i = 0; i < verdef->sh_info; i++) {
        const Elf64_Verdef *def = at(lib, offset, sizeof *def);
        const Elf64_Verdaux *aux = at(lib, offset + def->vd_aux, sizeof *aux);
        if (strcmp(string(lib, verdef, aux->vda_name), version) == 0)
            return true;
        offset += def->vd_next;
    }
    return false;
}

/* The libstdc++ that the dynamic loader finds, hence the one dotnet will load. */
static struct file system_libstdcxx(void)
{
    struct link_map *map;
    void *handle = dlopen(LIBSTDCXX, RTLD_LAZY | RTLD_LOCAL);
    if (!handle || dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0)
        die("cannot load %s: %s", LIBSTDCXX, dlerror());
    return load(map->l_name);
}

/* The library's need for VERSION of libstdc++ (a Vernaux entry of .gnu.version_r), checking on
 * the way that libstdc++ here defines every other version it needs. */
static Elf64_Vernaux *version_need(const struct file *lib, const struct file *libstdcxx)
{
    const Elf64_Shdr *verneed = section(lib, SHT_GNU_verneed);
    Elf64_Vernaux *found = NULL;
    Elf64_Off offset = verneed->sh_offset;
    for (Elf64_Word i = 0; i < verneed->sh_info; i++) {
        const Elf64_Verneed *need = at(lib, offset, sizeof *need);
        if (strcmp(string(lib, verneed, need->vn_file), LIBSTDCXX) == 0) {
            Elf64_Off aux_offset = offset + need->vn_aux;
            for (Elf64_Half j = 0; j < need->vn_cnt; j++) {
                Elf64_Vernaux *aux = at(lib, aux_offset, sizeof *aux);
                const char *name = string(lib, verneed, aux->vna_name);
                if (strcmp(name, VERSION) == 0)
                    found = aux;
                else if (!defines(libstdcxx, name))
                    die("%s needs %s, which %s lacks: the shim covers only %s", lib->path, name,
                        libstdcxx->path, VERSION);
                aux_offset += aux->vna_next;
            }
        }
        offset += need->vn_next;
    }
    if (!found)
        die("%s does not need %s: the shim is no longer needed (see native/README.md)", lib->path,
            VERSION);
    return found;
}

enum state { UNPATCHED, PATCHED };

static enum state inspect(const struct file *lib, const struct file *libstdcxx)
{
    const Elf64_Vernaux *need = version_need(lib, libstdcxx);
    bool weak = need->vna_flags & VER_FLG_WEAK;

    /* .gnu.version holds one version index per dynamic symbol. */
    const Elf64_Shdr *dynsym = section(lib, SHT_DYNSYM), *versym = section(lib, SHT_GNU_versym);
    size_t count = dynsym->sh_size / sizeof(Elf64_Sym);
    const Elf64_Sym *symbols = at(lib, dynsym->sh_offset, count * sizeof(Elf64_Sym));
    const Elf64_Half *versions = at(lib, versym->sh_offset, count * sizeof(Elf64_Half));
    int symbol_version = -1;
    for (size_t i = 0; i < count; i++) {
        const char *name = string(lib, dynsym, symbols[i].st_name);
        Elf64_Half version = versions[i] & 0x7fff; /* the top bit only hides a definition */
        if (strcmp(name, SYMBOL) == 0 && symbols[i].st_shndx == SHN_UNDEF)
            symbol_version = version;
        else if (version == need->vna_other)
            die("%s: %s also needs %s, and the shim covers only %s", lib->path, name, VERSION,
                SYMBOL);
    }
    if (symbol_version < 0)
        die("%s does not import %s", lib->path, SYMBOL);

    bool shim_needed = false;
    const Elf64_Shdr *dynamic = section(lib, SHT_DYNAMIC);
    const Elf64_Dyn *entries = at(lib, dynamic->sh_offset, dynamic->sh_size);
    for (size_t i = 0; i < dynamic->sh_size / sizeof(Elf64_Dyn) && entries[i].d_tag != DT_NULL; i++)
        if (entries[i].d_tag == DT_NEEDED &&
            strcmp(string(lib, dynamic, (Elf64_Word)entries[i].d_un.d_val), SHIM) == 0)
            shim_needed = true;

    if (symbol_version == need->vna_other && !weak && !shim_needed)
        return UNPATCHED;
    if (symbol_version == VER_NDX_GLOBAL && weak && shim_needed)
        return PATCHED;
    die("%s is neither as shipped nor patched: %s is %s, the %s need is %s, %s is %s", lib->path,
        SYMBOL, symbol_version == VER_NDX_GLOBAL ? "unversioned" : "versioned", VERSION,
        weak ? "weak" : "not weak", SHIM, shim_needed ? "needed" : "not needed");
}

static void run_patchelf(const char *path)
{
    char *argv[] = {"patchelf", "--clear-symbol-version", (char *)SYMBOL,
                    "--add-needed", (char *)SHIM, (char *)path, NULL};
    pid_t pid;
    int status;
    if (posix_spawnp(&pid, "patchelf", NULL, NULL, argv, environ) != 0)
        die("cannot run patchelf (native/install-system-deps.sh installs it)");
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("patchelf failed on %s", path);
}

/* Writes f to dest through a temporary file, so that dest is never half written. */
static void replace(const struct file *f, const char *dest)
{
    store(f, temporary);
    if (rename(temporary, dest) != 0)
        die("cannot write %s", dest);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: patch-libtorchsharp SRC DEST\n", stderr);
        return 2;
    }
    const char *src = argv[1], *dest = argv[2];
    if (asprintf(&temporary, "%s.%d.tmp", dest, (int)getpid()) < 0)
        die("out of memory");
    struct file libstdcxx = system_libstdcxx();
    struct file lib = load(src);

    if (inspect(&lib, &libstdcxx) == PATCHED) {
        if (strcmp(src, dest) != 0)
            replace(&lib, dest);
        return 0;
    }

    store(&lib, temporary);
    run_patchelf(temporary);
    struct file patched = load(temporary);
    version_need(&patched, &libstdcxx)->vna_flags |= VER_FLG_WEAK;
    inspect(&patched, &libstdcxx); /* fails unless patchelf did its part */
    replace(&patched, dest);
    return 0;
}

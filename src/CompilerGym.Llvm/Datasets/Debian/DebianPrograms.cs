using CompilerGym.Llvm.Programs;

namespace CompilerGym.Llvm.Datasets.Debian;

/// <summary>
/// The packages and programs of debian-v0. Versions are pinned, so a benchmark always means the
/// same code; each script builds only the programs named here, with the package's own libraries
/// linked in statically.
/// </summary>
public static class DebianPrograms
{
    // Debian's SQLite compile-time options, as debian/rules sets them, plus the shell's FTS4/FTS5.
    private const string SqliteOptions =
        "-DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS " +
        "-DSQLITE_ENABLE_RTREE=1 -DSQLITE_SOUNDEX=1 -DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_OMIT_LOOKASIDE=1 -DSQLITE_ENABLE_DBSTAT_VTAB " +
        "-DSQLITE_ALLOW_ROWID_IN_VIEW -DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1 -DSQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_ENABLE_JSON1 " +
        "-DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS3_TOKENIZER=1 -DSQLITE_USE_URI=1 " +
        "-DSQLITE_MAX_SCHEMA_RETRY=25 -DSQLITE_ENABLE_PREUPDATE_HOOK -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_STMTVTAB " +
        "-DSQLITE_MAX_VARIABLE_NUMBER=250000 -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_FTS5";

    public static readonly DebianPackage Bzip2 = new("bzip2", "1.0.8-5", """
        make -j"$JOBS" CC="$CC" AR="$AR" RANLIB="$RANLIB" CFLAGS="$CFLAGS -D_FILE_OFFSET_BITS=64" libbz2.a bzip2.o
        # Debian's Makefile links bzip2 against the shared libbz2.so: link the static library instead.
        $CC $CFLAGS $LDFLAGS -o bzip2 bzip2.o libbz2.a
        """);

    public static readonly DebianPackage Gzip = new("gzip", "1.12-1", """
        ./configure
        make -j"$JOBS"
        """);

    public static readonly DebianPackage Zlib = new("zlib", "1:1.2.13.dfsg-1", """
        ./configure --static
        make -j"$JOBS" minigzip
        """);

    public static readonly DebianPackage Lua = new("lua5.4", "5.4.4-3+deb12u1", """
        cd src
        # luaconf.h includes a header that Debian's packaging writes.
        echo '#define DEB_HOST_MULTIARCH "x86_64-linux-gnu"' > lua5.4-deb-multiarch.h
        # Debian's Makefile needs its own libtool; lua is every .c file here but the compiler's (luac.c).
        ls *.c | grep -v '^luac\.c$' | xargs -P "$JOBS" -n 4 $CC $CFLAGS -std=gnu99 -DLUA_COMPAT_5_3 -DLUA_USE_LINUX -c
        $CC $CFLAGS $LDFLAGS -o lua *.o -lm
        """);

    public static readonly DebianPackage Sqlite = new("sqlite3", "3.40.1-2+deb12u2", $"""
        # configure only makes the Makefile that generates the amalgamation (with tclsh).
        ./configure --disable-shared --disable-tcl --disable-readline --disable-editline
        make -j"$JOBS" sqlite3.c shell.c
        $CC $CFLAGS {SqliteOptions} -c sqlite3.c &
        $CC $CFLAGS {SqliteOptions} -c shell.c
        wait $!
        $CC $CFLAGS $LDFLAGS -o sqlite3 shell.o sqlite3.o -lm
        """);

    public static readonly DebianPackage Gsm = new("libgsm", "1.0.22-1", """
        # Debian's Makefile links toast against the shared library (LIBGSMSO): point it at the static one.
        make -j"$JOBS" CC="$CC" CCFLAGS="-c $CFLAGS -DNeedFunctionPrototypes=1" LD="$CC" LFLAGS="$CFLAGS $LDFLAGS" \
          AR="$AR" RANLIB="$RANLIB" LIBGSMSO=lib/libgsm.a bin/toast
        """);

    public static readonly DebianPackage Jpeg = new("libjpeg-turbo", "1:2.1.5-2", """
        # No SIMD: its assembly would be missing from the module.
        cmake -S . -B build -DCMAKE_BUILD_TYPE=None -DENABLE_SHARED=0 -DWITH_SIMD=0 -DWITH_TURBOJPEG=0 \
          -DCMAKE_AR="$(command -v "$AR")" -DCMAKE_RANLIB="$(command -v "$RANLIB")"
        make -C build -j"$JOBS" cjpeg-static djpeg-static
        """);

    public static readonly DebianPackage Tiff = new("tiff", "4.5.0-6+deb12u4", """
        # Debian's source has no configure script; CMake builds it. Codecs that need other libraries are off.
        cmake -S . -B build -DCMAKE_BUILD_TYPE=None -DBUILD_SHARED_LIBS=OFF -Dcxx=OFF -Djpeg=OFF -Dold-jpeg=OFF -Dzlib=OFF \
          -Dpixarlog=OFF -Dlzma=OFF -Dzstd=OFF -Dwebp=OFF -Djbig=OFF -Dlerc=OFF -Dlibdeflate=OFF \
          -Dtiff-docs=OFF -Dtiff-tests=OFF -Dtiff-contrib=OFF -DCMAKE_AR="$(command -v "$AR")" -DCMAKE_RANLIB="$(command -v "$RANLIB")"
        make -C build -j"$JOBS" tiff2bw tiffdither tiffmedian tiff2rgba
        """);

    public static readonly DebianPackage Coreutils = new("coreutils", "9.1-1", """
        # configure refuses root without FORCE_UNSAFE_CONFIGURE. Its F_DUPFD_CLOEXEC test fails when the
        # build inherits an open descriptor 10, and lib/fcntl.c then does not compile; Linux has it.
        FORCE_UNSAFE_CONFIGURE=1 gl_cv_func_fcntl_f_dupfd_cloexec=yes ./configure --disable-nls --without-selinux \
          --without-openssl --disable-acl --disable-xattr --without-gmp --disable-libcap --disable-libsmack
        # Only two programs: first the generated headers that `make all` would make before anything else.
        make -j"$JOBS" $(printf 'built-sources:\n\t@echo $(BUILT_SOURCES)\n' | make -s -f Makefile -f - built-sources)
        make -j"$JOBS" src/sha256sum src/cksum
        """);

    public static readonly DebianPackage Lz4 = new("lz4", "1.9.4-1", """
        # Debian's Makefile links lz4 with -llz4: only the static library is built, so that is what it finds.
        make -j"$JOBS" -C lib liblz4.a
        make -j"$JOBS" -C programs lz4
        """);

    public static readonly DebianPackage Zstd = new("libzstd", "1.5.4+dfsg2-5", """
        # Without the other compressors' libraries, and without the assembly decoder (not in the module).
        make -j"$JOBS" -C programs zstd HAVE_ZLIB=0 HAVE_LZMA=0 HAVE_LZ4=0 ZSTD_NO_ASM=1
        """);

    private const int CorpusSize = 256 * 1024;
    private static readonly InputFile s_corpus = new("corpus.txt", () => InputData.Text(CorpusSize, seed: 1));
    private static readonly InputFile s_data = new("data.bin", () => InputData.Binary(CorpusSize, seed: 2));
    private static readonly InputFile s_ppm = new("picture.ppm", () => InputData.Ppm(InputData.ImageWidth, InputData.ImageHeight, Picture()));
    private static readonly InputFile s_jpeg = new("picture.jpg", () => BaselineJpeg.Encode(InputData.ImageWidth, InputData.ImageHeight, Picture(), quality: 85));
    private static readonly InputFile s_tiff = new("picture.tif", () => InputData.Tiff(InputData.ImageWidth, InputData.ImageHeight, Picture()));
    private static readonly InputFile s_greyTiff = new("grey.tif", () => InputData.Tiff(InputData.ImageWidth, InputData.ImageHeight, InputData.Grey(Picture())));
    private static readonly InputFile s_speech = new("speech.raw", () => InputData.Pcm16(8000 * 4, seed: 3));
    private static readonly InputFile s_lua = new("bench.lua", () => Resource("bench.lua"));
    private static readonly InputFile s_sql = new("bench.sql", () => Resource("bench.sql"));

    private const string Text = "256 KiB of generated English-like text";
    private const string Picture256 = "a generated 256x192 picture";

    // Second inputs: other bytes under the same names. Odd sizes reach the programs' tail and edge cases.
    private const int SecondWidth = 203, SecondHeight = 117;
    private static readonly SecondInput s_binaryCorpus = new("97 KiB of generated binary data",
        [new("corpus.txt", () => InputData.Binary(99_331, seed: 5))]);
    private static readonly SecondInput s_checksummed = new("76 KiB of other generated text and 98 KiB of other binary data",
        [new("corpus.txt", () => InputData.Text(77_777, seed: 6)), new("data.bin", () => InputData.Binary(100_003, seed: 7))]);
    private static readonly SecondInput s_higherVoice = new("2 s of a higher generated voice, ending in a partial frame",
        [new("speech.raw", () => InputData.Pcm16(8000 * 2 + 80, seed: 8, pitch: 210))]);
    private static readonly SecondInput s_secondPpm = new($"a generated {SecondWidth}x{SecondHeight} picture",
        [new("picture.ppm", () => InputData.Ppm(SecondWidth, SecondHeight, InputData.Picture(SecondWidth, SecondHeight)))]);
    private static readonly SecondInput s_secondJpeg = new("a generated 160x96 picture at quality 60",
        [new("picture.jpg", () => BaselineJpeg.Encode(160, 96, InputData.Picture(160, 96), quality: 60))]);
    private static readonly SecondInput s_secondTiff = new($"a generated {SecondWidth}x{SecondHeight} picture",
        [new("picture.tif", () => InputData.Tiff(SecondWidth, SecondHeight, InputData.Picture(SecondWidth, SecondHeight)))]);
    private static readonly SecondInput s_secondGreyTiff = new($"a generated {SecondWidth}x{SecondHeight} picture",
        [new("grey.tif", () => InputData.Tiff(SecondWidth, SecondHeight, InputData.Grey(InputData.Picture(SecondWidth, SecondHeight))))]);
    private static readonly SecondInput s_secondLua = new("another script: string formatting and substitution, closures, integer and float maths, error handling",
        [new("bench.lua", () => Resource("second.lua"))]);
    private static readonly SecondInput s_secondSql = new("another script: recursive CTEs, grouping, LIKE, string and date functions, a trigger",
        [new("bench.sql", () => Resource("second.sql"))]);

    public static IReadOnlyList<DebianProgram> All { get; } =
    [
        new("bzip2", Bzip2, "bzip2", "BZ2_bzCompressInit", $"compresses {Text} (-9) to stdout", ["-c", "-9", "corpus.txt"], [s_corpus])
            { SecondInput = s_binaryCorpus },
        new("gzip", Gzip, "gzip", "last_component", $"compresses {Text} (-9) to stdout", ["-c", "-9", "-n", "corpus.txt"], [s_corpus])
            { SecondInput = s_binaryCorpus },
        new("minigzip", Zlib, "minigzip", "deflate", $"zlib's example gzip: compresses {Text} (-9) to stdout", ["-c", "-9", "corpus.txt"], [s_corpus])
            { SecondInput = s_binaryCorpus },
        new("lua", Lua, "lua", "luaL_newstate", "runs a Lua script: sieve, sorting, string matching, coroutines, metatables, integer loops",
            ["bench.lua"], [s_lua]) { LinkFlags = ["-lm"], SecondInput = s_secondLua },
        new("sqlite3", Sqlite, "sqlite3", "sqlite3_open_v2", "the shell on the amalgamation: an SQL script on stdin (inserts, indexes, joins, windows, JSON, FTS4)",
            [], [s_sql]) { Stdin = "bench.sql", LinkFlags = ["-lm"], SecondInput = s_secondSql },
        new("toast", Gsm, "toast", "gsm_encode", "GSM 06.10-encodes 4 s of generated 16-bit speech-like audio to stdout",
            ["-c", "-l", "speech.raw"], [s_speech])
            { SecondInput = s_higherVoice },
        new("cjpeg", Jpeg, "cjpeg-static", "jpeg_start_compress", $"compresses {Picture256} (PPM) to JPEG (quality 85, optimized Huffman tables)",
            ["-quality", "85", "-optimize", "picture.ppm"], [s_ppm])
            { SecondInput = s_secondPpm },
        new("djpeg", Jpeg, "djpeg-static", "jpeg_start_decompress", $"decodes {Picture256} (baseline JPEG, 4:2:0) to PPM",
            ["-ppm", "picture.jpg"], [s_jpeg])
            { SecondInput = s_secondJpeg },
        new("tiff2bw", Tiff, "tiff2bw", "TIFFOpen", $"converts {Picture256} (RGB TIFF) to greyscale, LZW with a predictor",
            ["-c", "lzw:2", "picture.tif", "out.tif"], [s_tiff]) { OutputFiles = ["out.tif"], LinkFlags = ["-lm"], SecondInput = s_secondTiff },
        new("tiffdither", Tiff, "tiffdither", "TIFFOpen", $"dithers {Picture256} (greyscale TIFF) to bilevel, CCITT G4",
            ["-c", "g4", "grey.tif", "out.tif"], [s_greyTiff]) { OutputFiles = ["out.tif"], LinkFlags = ["-lm"], SecondInput = s_secondGreyTiff },
        new("tiffmedian", Tiff, "tiffmedian", "TIFFOpen", $"median-cut quantizes {Picture256} (RGB TIFF) to 64 colours with dithering, LZW",
            ["-C", "64", "-f", "-c", "lzw", "picture.tif", "out.tif"], [s_tiff]) { OutputFiles = ["out.tif"], LinkFlags = ["-lm"], SecondInput = s_secondTiff },
        new("tiff2rgba", Tiff, "tiff2rgba", "TIFFOpen", $"converts {Picture256} (RGB TIFF) to RGBA, PackBits",
            ["-c", "packbits", "picture.tif", "out.tif"], [s_tiff]) { OutputFiles = ["out.tif"], LinkFlags = ["-lm"], SecondInput = s_secondTiff },
        new("sha256sum", Coreutils, "sha256sum", "sha256_process_block", $"SHA-256 of {Text} and 256 KiB of generated binary data",
            ["corpus.txt", "data.bin"], [s_corpus, s_data])
            { SecondInput = s_checksummed },
        new("cksum", Coreutils, "cksum", "close_stdout", $"CRC checksums of {Text} and 256 KiB of generated binary data",
            ["corpus.txt", "data.bin"], [s_corpus, s_data])
            { SecondInput = s_checksummed },
        new("lz4", Lz4, "lz4", "LZ4_compress_HC", $"compresses {Text} (-9, high compression) to stdout", ["-c", "-9", "corpus.txt"], [s_corpus])
            { SecondInput = s_binaryCorpus },
        new("zstd", Zstd, "zstd", "ZSTD_compressStream2", $"compresses {Text} (-9) to stdout", ["-c", "-q", "-9", "corpus.txt"], [s_corpus])
            { SecondInput = s_binaryCorpus },
    ];

    private static byte[] Picture() => InputData.Picture(InputData.ImageWidth, InputData.ImageHeight);

    private static byte[] Resource(string name)
    {
        using var stream = ProgramFiles.Open("DebianInputs/" + name)
            ?? throw new InvalidOperationException($"missing resource DebianInputs/{name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

namespace CompilerGym.Llvm.Datasets.Debian;

/// <summary>
/// A small baseline JPEG encoder (JFIF, YCbCr 4:2:0, the standard tables of ITU T.81 Annex K), so
/// that djpeg has a JPEG input made here rather than by the program family under test.
/// </summary>
public static class BaselineJpeg
{
    private static readonly int[] s_zigzag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    private static readonly int[] s_lumaQuant =
    [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ];

    private static readonly int[] s_chromaQuant =
    [
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
        .. Enumerable.Repeat(99, 32),
    ];

    // cos((2x + 1) u pi / 16), the forward DCT's basis.
    private static readonly double[,] s_cosines = Basis();

    private static readonly HuffmanTable s_lumaDc = new([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    private static readonly HuffmanTable s_chromaDc = new([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    private static readonly HuffmanTable s_lumaAc = new([0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
    [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
        0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
        0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
        0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
        0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
        0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
        0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
    ]);
    private static readonly HuffmanTable s_chromaAc = new([0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
    [
        0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
        0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
        0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
        0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
        0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
        0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
        0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
    ]);

    /// <summary>Encodes an RGB picture (3 bytes a pixel) whose sides are multiples of 16.</summary>
    public static byte[] Encode(int width, int height, byte[] rgb, int quality)
    {
        if (width % 16 != 0 || height % 16 != 0) throw new ArgumentException("the picture's sides must be multiples of 16");
        int[] lumaQuant = Scale(s_lumaQuant, quality), chromaQuant = Scale(s_chromaQuant, quality);
        var (y, cb, cr) = ToYCbCr(width, height, rgb);

        var output = new List<byte>();
        output.AddRange([0xFF, 0xD8]);                                                        // SOI
        Segment(output, 0xE0, [(byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        Segment(output, 0xDB, [0, .. s_zigzag.Select(i => (byte)lumaQuant[i]), 1, .. s_zigzag.Select(i => (byte)chromaQuant[i])]);
        Segment(output, 0xC0, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        Segment(output, 0xC4, [0x00, .. s_lumaDc.Definition, 0x10, .. s_lumaAc.Definition, 0x01, .. s_chromaDc.Definition, 0x11, .. s_chromaAc.Definition]);
        Segment(output, 0xDA, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);

        var bits = new BitWriter(output);
        int[] predictors = new int[3];
        for (int my = 0; my < height; my += 16)
            for (int mx = 0; mx < width; mx += 16)
            {
                // One MCU: four luma blocks in reading order, then one block of each chroma plane at half resolution.
                foreach (var (dx, dy) in new[] { (0, 0), (8, 0), (0, 8), (8, 8) })
                    EncodeBlock(bits, y, width, mx + dx, my + dy, lumaQuant, s_lumaDc, s_lumaAc, ref predictors[0]);
                EncodeBlock(bits, cb, width / 2, mx / 2, my / 2, chromaQuant, s_chromaDc, s_chromaAc, ref predictors[1]);
                EncodeBlock(bits, cr, width / 2, mx / 2, my / 2, chromaQuant, s_chromaDc, s_chromaAc, ref predictors[2]);
            }
        bits.Flush();
        output.AddRange([0xFF, 0xD9]);                                                        // EOI
        return [.. output];
    }

    // The IJG quality scaling, as cjpeg -quality does it.
    private static int[] Scale(int[] table, int quality)
    {
        int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
        return [.. table.Select(q => Math.Clamp((q * scale + 50) / 100, 1, 255))];
    }

    private static (double[] Y, double[] Cb, double[] Cr) ToYCbCr(int width, int height, byte[] rgb)
    {
        var y = new double[width * height];
        var cb = new double[width * height / 4];
        var cr = new double[width * height / 4];
        for (int row = 0; row < height; row++)
            for (int col = 0; col < width; col++)
            {
                int at = row * width + col;
                double r = rgb[3 * at], g = rgb[3 * at + 1], b = rgb[3 * at + 2];
                y[at] = 0.299 * r + 0.587 * g + 0.114 * b;
                int half = row / 2 * (width / 2) + col / 2;
                // Each chroma sample is the mean of a 2x2 square of pixels.
                cb[half] += (-0.168736 * r - 0.331264 * g + 0.5 * b + 128) / 4;
                cr[half] += (0.5 * r - 0.418688 * g - 0.081312 * b + 128) / 4;
            }
        return (y, cb, cr);
    }

    private static void EncodeBlock(BitWriter bits, double[] plane, int stride, int x0, int y0, int[] quant,
        HuffmanTable dc, HuffmanTable ac, ref int predictor)
    {
        var coefficients = new int[64];
        for (int v = 0; v < 8; v++)
            for (int u = 0; u < 8; u++)
            {
                double sum = 0;
                for (int yy = 0; yy < 8; yy++)
                    for (int xx = 0; xx < 8; xx++)
                        sum += (plane[(y0 + yy) * stride + x0 + xx] - 128) * s_cosines[xx, u] * s_cosines[yy, v];
                double cu = u == 0 ? Math.Sqrt(0.5) : 1, cv = v == 0 ? Math.Sqrt(0.5) : 1;
                coefficients[v * 8 + u] = (int)Math.Round(0.25 * cu * cv * sum / quant[v * 8 + u]);
            }

        int diff = coefficients[0] - predictor;
        predictor = coefficients[0];
        int size = Magnitude(diff);
        bits.Write(dc.Codes[size], dc.Lengths[size]);
        bits.Write(Amplitude(diff, size), size);

        int run = 0;
        for (int k = 1; k < 64; k++)
        {
            int value = coefficients[s_zigzag[k]];
            if (value == 0) { run++; continue; }
            for (; run > 15; run -= 16) bits.Write(ac.Codes[0xF0], ac.Lengths[0xF0]); // sixteen zeros
            size = Magnitude(value);
            int symbol = run << 4 | size;
            bits.Write(ac.Codes[symbol], ac.Lengths[symbol]);
            bits.Write(Amplitude(value, size), size);
            run = 0;
        }
        if (run > 0) bits.Write(ac.Codes[0x00], ac.Lengths[0x00]);                  // end of block
    }

    private static double[,] Basis()
    {
        var basis = new double[8, 8];
        for (int x = 0; x < 8; x++)
            for (int u = 0; u < 8; u++) basis[x, u] = Math.Cos((2 * x + 1) * u * Math.PI / 16);
        return basis;
    }

    private static int Magnitude(int value) => value == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(value));

    // Negative values are sent as their ones' complement in `size` bits.
    private static int Amplitude(int value, int size) => value >= 0 ? value : value + (1 << size) - 1;

    private static void Segment(List<byte> output, byte marker, byte[] body)
    {
        output.AddRange([0xFF, marker, (byte)((body.Length + 2) >> 8), (byte)(body.Length + 2)]);
        output.AddRange(body);
    }

    /// <summary>A Huffman table as DHT defines it (code counts per length 1..16, symbols) and the canonical codes it gives.</summary>
    private sealed class HuffmanTable
    {
        public byte[] Definition { get; }
        public int[] Codes { get; } = new int[256];
        public int[] Lengths { get; } = new int[256];

        public HuffmanTable(byte[] counts, byte[] symbols)
        {
            Definition = [.. counts, .. symbols];
            int code = 0, next = 0;
            for (int length = 1; length <= 16; length++, code <<= 1)
                for (int i = 0; i < counts[length - 1]; i++, code++)
                {
                    Codes[symbols[next]] = code;
                    Lengths[symbols[next++]] = length;
                }
        }
    }

    /// <summary>Packs codes most significant bit first, stuffing a zero byte after every 0xFF.</summary>
    private sealed class BitWriter(List<byte> output)
    {
        private int _buffer, _count;

        public void Write(int bits, int count)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                _buffer = _buffer << 1 | (bits >> i & 1);
                if (++_count == 8) Emit();
            }
        }

        public void Flush()
        {
            while (_count != 0) Write(1, 1); // pad the last byte with ones
        }

        private void Emit()
        {
            output.Add((byte)_buffer);
            if (_buffer == 0xFF) output.Add(0);
            _buffer = _count = 0;
        }
    }
}

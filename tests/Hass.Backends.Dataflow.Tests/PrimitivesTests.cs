using static Hass.Backends.Dataflow.ResourcePrimitives;

namespace Hass.Backends.Dataflow.Tests;

public class PrimitivesTests
{
    [Theory]
    [InlineData(16, 16, 1)]
    [InlineData(32, 16, 2)]
    [InlineData(16, 32, 2)]
    [InlineData(18, 27, 1)]
    [InlineData(19, 28, 4)]
    public void Dsp_per_multiplier_is_the_18x27_split(int a, int b, int expected) => Assert.Equal(expected, DspPerMultiplier(a, b));

    [Theory]
    [InlineData(1024, 16, 1)]      // 18-bit wide, 1024 deep
    [InlineData(1025, 16, 2)]
    [InlineData(63, 16, 0)]        // < 1024 bits: not a BRAM (goes to LUTRAM)
    [InlineData(1, 36864, 1024)]   // shallow and wide: ceil(width/36) blocks
    [InlineData(4096, 4, 1)]
    [InlineData(100, 384, 11)]
    public void Bram_memory(long depth, long width, long expected) => Assert.Equal(expected, BramMemory(depth, width));

    [Theory]
    [InlineData(32, 100, 0)]       // depth ≤ 32
    [InlineData(64, 16, 0)]        // ≤ 1024 bits
    [InlineData(33, 32, 1)]
    [InlineData(80, 64, 2)]
    public void Bram_fifo(long depth, long width, long expected) => Assert.Equal(expected, BramFifo(depth, width));

    [Theory]
    [InlineData(4096, 72, 1)]
    [InlineData(4097, 72, 2)]
    [InlineData(16384, 16, 1)]
    [InlineData(16385, 16, 2)]
    [InlineData(0, 16, 0)]
    public void Uram_array(long depth, long width, long expected) => Assert.Equal(expected, UramArray(depth, width));

    [Theory]
    [InlineData(32, 15, 1)]
    [InlineData(100, 16, 6)]
    [InlineData(2, 16, 2)]
    [InlineData(64, 7, 1)]
    public void Lutram_queue(long depth, long width, long expected) => Assert.Equal(expected, LutramQueue(depth, width));

    [Fact]
    public void Small_memories_cost_luts_not_nothing()
    {
        Assert.Equal(16, LutramMemory(63, 16));
        var r = HardwareBlocks.Memory(63, 16, uram: false);
        Assert.Equal(0, r.Bram18);
        Assert.Equal(16, r.Lut);
    }

    [Fact]
    public void Shallow_memories_are_lutram()
    {
        Assert.Equal(8, BramMemory(4, 256)); // the primitive itself stays exact
        var r = HardwareBlocks.Memory(4, 256, uram: false);
        Assert.Equal((0.0, 256.0), (r.Bram18, r.Lut));
        Assert.Equal(1, HardwareBlocks.Memory(65, 16, uram: false).Bram18);
    }

    [Fact]
    public void Bram_over_budget_moves_to_lutram_and_only_what_moves_is_charged()
    {
        var budget = new Budget(Dsp: 100, Bram18: 50, Uram: 0, Lut: 10000, Ff: 10000);
        var over = new Resources(10, 60, 0, 5000, 100);
        Assert.True(budget.Fits(over));                     // 10 BRAM18 → 2880 LUT, 7880 ≤ 10000
        var placed = budget.Placed(over);
        Assert.Equal((50.0, 7880.0), (placed.Bram18, placed.Lut));
        Assert.False(budget.Fits(new Resources(10, 70, 0, 5000, 100))); // 20 → 5760 LUT, 10760 > 10000
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(1024, 10)]
    [InlineData(1L << 29, 29)]
    [InlineData((1L << 29) + 1, 30)]
    public void Int2bits_is_exact(long n, int bits) => Assert.Equal(bits, Int2Bits(n));

    [Fact]
    public void Divisors_are_sorted() => Assert.Equal([1, 2, 3, 4, 6, 12], Divisors(12));
}

namespace Hass.Backends.Dataflow.Tests;

/// <summary>The vectorised lane sums give, bit for bit, what one lane at a time gives, at every length.</summary>
public class LaneSumsTests
{
    [Fact]
    public void Each_sum_equals_the_one_lane_at_a_time_loop_bit_for_bit()
    {
        var random = new Random(7);
        for (int length = 1; length <= 19; length++)
        {
            var shares = Enumerable.Range(0, length).Select(_ => random.NextDouble() / 3).ToArray();
            var start = Enumerable.Range(0, length).Select(_ => random.NextDouble() * 1e4).ToArray();
            double scale = random.NextDouble() * 977;
            var (scaled, squares, added) = ((double[])start.Clone(), (double[])start.Clone(), (double[])start.Clone());

            LaneSums.AddScaled(scaled, shares, scale);
            LaneSums.AddScaledSquares(squares, shares, scale);
            LaneSums.Add(added, shares);

            for (int l = 0; l < length; l++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(start[l] + scale * shares[l]), BitConverter.DoubleToInt64Bits(scaled[l]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(start[l] + scale * shares[l] * shares[l]), BitConverter.DoubleToInt64Bits(squares[l]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(start[l] + shares[l]), BitConverter.DoubleToInt64Bits(added[l]));
            }
        }
    }
}

using Hass.Engine.Running;

namespace Hass.Engine.Tests;

/// <summary>
/// <see cref="StopGrace"/> on its own: a backend's design call is waited for until an interrupt, then for the grace; one that
/// still runs is left behind with one warning, and the caller gets the cancellation.
/// </summary>
public class StopGraceCallTests
{
    private static readonly StopGrace Grace = new(TimeSpan.FromMilliseconds(300));
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    /// <summary>A design call deaf to cancellation: it returns once released, whatever the token says.</summary>
    private sealed class DeafCall : IDisposable
    {
        public ManualResetEventSlim Started { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public bool Returned { get; private set; }

        public int Run()
        {
            Started.Set();
            Release.Wait(Long);
            Returned = true;
            return 42;
        }

        public void Dispose()
        {
            Release.Set();
            Started.Dispose();
        }
    }

    [Fact]
    public void A_call_that_returns_gives_its_result_and_no_warning()
    {
        var warnings = 0;
        Assert.Equal(42, Grace.RunOrLeaveBehind(() => 42, () => warnings++, CancellationToken.None));
        Assert.Equal(0, warnings);
    }

    [Fact]
    public async Task After_an_interrupt_a_call_deaf_to_cancellation_is_left_behind_after_the_grace_with_one_warning()
    {
        using var call = new DeafCall();
        using var cts = new CancellationTokenSource();
        var warnings = 0;

        var caller = Task.Run(() => Grace.RunOrLeaveBehind(call.Run, () => warnings++, cts.Token));
        Assert.True(call.Started.Wait(Long));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => caller.WaitAsync(Long));
        Assert.Equal(1, warnings);
        Assert.False(call.Returned);   // still running, in the background
    }

    [Fact]
    public async Task A_call_that_honours_the_interrupt_ends_with_its_cancellation_and_no_warning()
    {
        using var cts = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var warnings = 0;
        int Honours()
        {
            started.Set();
            cts.Token.WaitHandle.WaitOne(Long);
            cts.Token.ThrowIfCancellationRequested();
            return 0;
        }

        var caller = Task.Run(() => Grace.RunOrLeaveBehind(Honours, () => warnings++, cts.Token));
        Assert.True(started.Wait(Long));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => caller.WaitAsync(Long));
        Assert.Equal(0, warnings);
    }

    [Fact]
    public void No_call_starts_after_the_interrupt()
    {
        var called = false;
        Assert.ThrowsAny<OperationCanceledException>(() => Grace.RunOrLeaveBehind(() => called = true, () => { }, new CancellationToken(canceled: true)));
        Assert.False(called);
    }

    [Fact]
    public void What_a_call_throws_reaches_the_caller_unchanged()
    {
        var thrown = new InvalidOperationException("the DSE gave up");
        Assert.Same(thrown, Assert.Throws<InvalidOperationException>(() => Grace.RunOrLeaveBehind<int>(() => throw thrown, () => { }, CancellationToken.None)));
    }

    [Fact]
    public async Task Work_that_stops_within_the_grace_is_waited_for()
    {
        using var call = new DeafCall();
        using var cts = new CancellationTokenSource();
        var work = Task.Run(call.Run);
        Assert.True(call.Started.Wait(Long));

        var waiting = Grace.WaitAsync(work, cts.Token, graceStarts: call.Release.Set);   // it stops once given the grace
        await cts.CancelAsync();

        Assert.True(await waiting.WaitAsync(Long));
        Assert.True(call.Returned);
    }

    [Fact]
    public void The_warning_names_the_grace_and_the_backend()
    {
        Assert.Equal("did not stop within 0.3 s of the interrupt: backend 'x' (plugin P) ignores cancellation", Grace.DidNotStop("backend 'x' (plugin P)"));
        Assert.Equal("10 s", StopGrace.Default.Length);
    }
}

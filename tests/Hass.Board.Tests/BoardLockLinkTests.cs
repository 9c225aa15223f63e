using Hass.Abstractions;
using Hass.Board.Links;

namespace Hass.Board.Tests;

/// <summary>The board lock folder is shared under /tmp: a symbolic link planted there is refused, its target untouched.</summary>
public class BoardLockLinkTests
{
    [Fact]
    public async Task A_lock_file_that_is_a_symbolic_link_is_refused_and_its_target_kept()
    {
        var key = "tcp:link-test-" + Guid.NewGuid().ToString("N")[..6] + ":1";
        var victim = Path.Combine(Path.GetTempPath(), "hass-board-victim-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllText(victim, "precious");
        Directory.CreateDirectory(BoardLock.LockDirectory);
        File.CreateSymbolicLink(BoardLock.LockFileFor(key), victim);
        try
        {
            var e = await Assert.ThrowsAsync<BoardLinkException>(() => BoardLock.AcquireAsync(key, TimeSpan.FromMilliseconds(100), CancellationToken.None));
            Assert.Contains("is a symbolic link", e.Message);
            Assert.Equal("precious", File.ReadAllText(victim));
        }
        finally
        {
            File.Delete(BoardLock.LockFileFor(key));
            File.Delete(victim);
        }
    }
}

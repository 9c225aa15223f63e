using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>
/// A real redis-server with ACL users ($HASS_CLUSTER_REDIS_USER): the owner and a worker run the campaign as a user
/// with the permissions docs/distributed.md lists; a wrong user or password, no login, or a user lacking a
/// permission stops `hass run`, `hass worker` and `hass workers` at once with one line (exit 7), nothing written.
/// </summary>
public class DistributedRedisAclTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(180);
    internal const string Permissions = "~hass/members/* +ping +echo +eval +hgetall +hget +hexists +hsetnx +hset +hdel";

    private static Dictionary<string, string> Login(string? user, string? password)
    {
        var environment = new Dictionary<string, string> { ["HASS_CLUSTER_SECRET"] = "integration-secret" };
        if (user is not null) environment["HASS_CLUSTER_REDIS_USER"] = user;
        if (password is not null) environment["HASS_CLUSTER_REDIS_PASSWORD"] = password;
        return environment;
    }

    [Fact]
    public void An_acl_user_with_the_listed_permissions_runs_the_campaign_and_a_wrong_or_lacking_login_is_refused()
    {
        using var redis = RedisServer.Start(null, "default off", $"hass on >hass-pw {Permissions}",
            "nohash on >nohash-pw ~hass/members/* +ping +echo +eval", "noecho on >noecho-pw ~* +@all -echo");
        var dir = HassProcess.TempDir();
        var campaign = DistributedCampaignTests.Campaign(dir, delayMs: 20, trials: 4, "acl");
        var ports = RedisServer.FreePorts(2);
        string[] cluster = ["--cluster", redis.Url];
        string[] run = ["run", campaign, .. cluster, .. DistributedCampaignTests.Ports(ports[0], ports[1])];
        var store = Path.Combine(dir, "acl.db");
        var on = $"error: the cluster's Redis on 127.0.0.1:{redis.Port}";

        var refusedUser = $"{on} refused the user in $HASS_CLUSTER_REDIS_USER with the password in $HASS_CLUSTER_REDIS_PASSWORD " +
                          "(no such user, user off, or wrong password): set them to an ACL user of that Redis and its password";
        Refused(dir, Login("nobody", "hass-pw"), [.. run, .. HassProcess.Common(store)], refusedUser);
        Refused(dir, Login("hass", "guessed"), ["worker", campaign, .. cluster, .. HassProcess.Common(store)], refusedUser);
        Refused(dir, Login(null, null), [.. run, .. HassProcess.Common(store)],
            $"{on} wants a password: set $HASS_CLUSTER_REDIS_PASSWORD to it (its requirepass; with $HASS_CLUSTER_REDIS_USER for an ACL user), here and for every worker");
        Refused(dir, Login("nohash", "nohash-pw"), ["workers", campaign, .. cluster, .. HassProcess.Common(store)],
            $"{on} does not let the user 'nohash' do what the cluster needs (this user has no permissions to run the 'hgetall' command on the key hass/members/hass-acl-HASH12): " +
            $"give it these keys and commands: ACL SETUSER nohash {Permissions} (or ~* +@all)");
        Refused(dir, Login("noecho", "noecho-pw"), [.. run, .. HassProcess.Common(store)],
            $"{on} does not let the user 'noecho' do what the cluster needs (this user has no permissions to run the 'echo' command): " +
            $"give it these keys and commands: ACL SETUSER noecho {Permissions} (or ~* +@all)");
        Assert.False(File.Exists(store), "a refused login must not create the store");

        using var worker = HassProcess.StartWith(dir, Login("hass", "hass-pw"), ["worker", campaign, .. cluster, .. HassProcess.Common(store)]);
        var owner = HassProcess.RunWith(dir, Login("hass", "hass-pw"), Long, [.. run, "--parallelism", "2", .. HassProcess.Common(store)]);
        output.WriteLine(owner.Out + owner.Err + "\n--- worker\n" + worker.Out + worker.Err);
        Assert.True(owner.ExitCode == 0, owner.Out + owner.Err + "\n--- worker\n" + worker.Out + worker.Err);
        Assert.Contains("4 in the store", owner.Out);
        Assert.Contains("joined", owner.Out);
        worker.Signal("TERM");
        worker.WaitForExit(Long);
    }

    private static void Refused(string dir, Dictionary<string, string> login, string[] args, string line)
    {
        var result = HassProcess.RunWith(dir, login, Long, args);
        Assert.Equal(ExitCodes.ClusterError, result.ExitCode);
        // HASH12 stands for the campaign's cluster id hash.
        Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(line).Replace("HASH12", "[0-9a-f]{12}") + "$", result.Err.Trim());
        Assert.DoesNotContain("-pw", result.Out + result.Err);
    }
}

using System.Text.RegularExpressions;
using Hass.Abstractions;
using Hass.Cli;
using Hass.Engine.Storage;

namespace Hass.IntegrationTests;

/// <summary>
/// A real redis-server that fails the cluster after the preflight passed, while `hass run --cluster` and `hass worker` run
/// on it: a permission revoked, a password changed, a user deleted, or the server gone for longer than its
/// --redis-grace. Each process stops with exit 7 and one error line saying what Redis refused and what to do, without a stack
/// trace; the owner's store keeps the finished trials, the campaign is stored interrupted and resumes once Redis is mended.
/// </summary>
public class DistributedRedisMidRunTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(180);
    private const string Admin = "admin on >admin-pw ~* +@all";

    private static Dictionary<string, string> Login(string user, string password) => new()
    {
        ["HASS_CLUSTER_SECRET"] = "integration-secret", ["HASS_CLUSTER_REDIS_USER"] = user, ["HASS_CLUSTER_REDIS_PASSWORD"] = password,
    };

    private sealed record Cluster(string Dir, string Campaign, string Store, string[] Run, string[] Worker);

    private static Cluster Prepare(RedisServer redis, string name, int trials)
    {
        var dir = HassProcess.TempDir();
        var campaign = DistributedCampaignTests.Campaign(dir, delayMs: 50, trials, name);
        var ports = RedisServer.FreePorts(2);
        var store = Path.Combine(dir, name + ".db");
        return new Cluster(dir, campaign, store,
            ["run", campaign, "--cluster", redis.Url, .. DistributedCampaignTests.Ports(ports[0], ports[1]), .. HassProcess.Common(store)],
            ["worker", campaign, "--cluster", redis.Url, .. HassProcess.Common(Path.Combine(dir, "w.db"))]);
    }

    [Fact]
    public void A_permission_revoked_mid_run_stops_owner_and_worker_with_exit_7_and_the_campaign_resumes_once_it_is_given_back()
    {
        using var redis = RedisServer.Start(null, "default off", $"hass on >hass-pw {DistributedRedisAclTests.Permissions}", Admin);
        var cluster = Prepare(redis, "revoked", trials: 1000);
        var login = Login("hass", "hass-pw");
        using var worker = HassProcess.StartWith(cluster.Dir, login, cluster.Worker);
        using var owner = HassProcess.StartWith(cluster.Dir, login, cluster.Run);
        Assert.True(owner.WaitForOutput("trial 3/1000", Long), owner.Out + owner.Err);

        redis.Command("admin", "admin-pw", "ACL", "SETUSER", "hass", "-hset");
        var refused = $"error: the cluster's Redis on 127.0.0.1:{redis.Port} no longer lets the user 'hass' do what the cluster needs " +
                      "(this user has no permissions to run the 'hset' command on the key hass/members/hass-revoked-HASH12): " +
                      $"give it these keys and commands: ACL SETUSER hass {DistributedRedisAclTests.Permissions} (or ~* +@all)";
        Stopped(owner, refused);
        Stopped(worker, refused);
        Assert.Contains("interrupted: completed trials are in the store", owner.Err);
        var finished = Interrupted(cluster.Store, "revoked", refused);

        redis.Command("admin", "admin-pw", "ACL", "SETUSER", "hass", "+hset");
        var budget = finished.Count + 3;
        using var next = HassProcess.StartWith(cluster.Dir, login, cluster.Worker);
        var resumed = HassProcess.RunWith(cluster.Dir, login, Long, [.. cluster.Run, "--trials", budget.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(resumed.ExitCode == 0, resumed.Out + resumed.Err);
        Assert.Contains("resuming campaign 'revoked'", resumed.Out);
        using var s = HassStore.Open(cluster.Store);
        var trials = s.Trials("revoked");
        Assert.Equal(budget, trials.Count(t => t.State != TrialState.Abandoned));
        foreach (var (number, json) in finished) Assert.Equal(json, HassJson.Serialize(trials.Single(t => t.Number == number)));
        next.Signal("TERM");
        next.WaitForExit(Long);
    }

    /// <summary>
    /// The owner and the worker log in as different users: the owner's password changed stops the owner (the connection it
    /// opened at the start would still work: only a new login is refused); the worker, waiting for an owner then, stops when its user is deleted.
    /// </summary>
    [Fact]
    public void A_password_changed_or_a_user_deleted_mid_run_stops_its_process_with_exit_7_naming_the_user()
    {
        using var redis = RedisServer.Start(null, "default off", $"hass on >hass-pw {DistributedRedisAclTests.Permissions}",
            $"lab on >lab-pw {DistributedRedisAclTests.Permissions}", Admin);
        var cluster = Prepare(redis, "relogin", trials: 1000);
        using var worker = HassProcess.StartWith(cluster.Dir, Login("lab", "lab-pw"), cluster.Worker);
        using var owner = HassProcess.StartWith(cluster.Dir, Login("hass", "hass-pw"), cluster.Run);
        Assert.True(owner.WaitForOutput("trial 3/1000", Long), owner.Out + owner.Err);

        redis.Command("admin", "admin-pw", "ACL", "SETUSER", "hass", "resetpass", ">changed-pw");
        Stopped(owner, NoLongerTakes(redis, "hass"));
        Interrupted(cluster.Store, "relogin", NoLongerTakes(redis, "hass"));
        Assert.False(worker.HasExited, worker.Out + worker.Err);

        redis.Command("admin", "admin-pw", "ACL", "DELUSER", "lab");
        Stopped(worker, NoLongerTakes(redis, "lab"));
    }

    private static string NoLongerTakes(RedisServer redis, string user) =>
        $"error: the cluster's Redis on 127.0.0.1:{redis.Port} no longer takes the user '{user}' with the password in $HASS_CLUSTER_REDIS_PASSWORD " +
        "(the user was deleted or switched off, or its password changed): set $HASS_CLUSTER_REDIS_PASSWORD to its password, or give the user back: " +
        $"ACL SETUSER {user} on >PASSWORD {DistributedRedisAclTests.Permissions}";

    /// <summary>
    /// Redis killed mid-run: both processes warn at once, and stop when it has not come back within their --redis-grace
    /// (10 s here, 30 s when not given).
    /// </summary>
    [Fact]
    public void A_redis_gone_for_longer_than_the_grace_stops_owner_and_worker_with_exit_7()
    {
        using var redis = RedisServer.Start(null, "default off", $"hass on >hass-pw {DistributedRedisAclTests.Permissions}");
        var cluster = Prepare(redis, "gone", trials: 5000);
        var login = Login("hass", "hass-pw");
        using var worker = HassProcess.StartWith(cluster.Dir, login, [.. cluster.Worker, "--redis-grace", "10s"]);
        using var owner = HassProcess.StartWith(cluster.Dir, login, [.. cluster.Run, "--redis-grace", "10s"]);
        Assert.True(owner.WaitForOutput("trial 3/5000", Long), owner.Out + owner.Err);

        var killed = System.Diagnostics.Stopwatch.StartNew();
        redis.Kill();
        var gone = $"error: the cluster's Redis on 127.0.0.1:{redis.Port} has not answered for 10 s: start redis-server there again, or mend the network to it";
        Stopped(owner, gone);
        Assert.True(killed.Elapsed >= TimeSpan.FromSeconds(10), $"the owner stopped {killed.Elapsed} after Redis went, before its grace");
        Stopped(worker, gone);
        Assert.Contains($"warning: cluster: the Redis on 127.0.0.1:{redis.Port} does not answer; the run stops if it still does not in 10 s", owner.Err);
        Interrupted(cluster.Store, "gone", gone);
    }

    /// <summary>Exit 7 with <paramref name="line"/> (HASH12 standing for the cluster id's hash) as its only error line, and no stack trace.</summary>
    private void Stopped(HassProcess process, string line)
    {
        var code = process.WaitForExit(Long);
        output.WriteLine($"--- exit {code}\n{process.Out}{process.Err}");
        Assert.True(code == ExitCodes.ClusterError, process.Out + process.Err);
        var errors = process.Err.Split('\n').Select(l => l.TrimEnd()).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.Matches("^" + Regex.Escape(line).Replace("HASH12", "[0-9a-f]{12}") + "$", Assert.Single(errors));
        Assert.DoesNotContain("   at ", process.Err);
        Assert.DoesNotContain("-pw", process.Out + process.Err);
    }

    /// <summary>
    /// The campaign is stored interrupted, with the owner's error <paramref name="line"/> as the reason, and no trial left running;
    /// returns its finished trials (number → record).
    /// </summary>
    private static Dictionary<int, string> Interrupted(string store, string campaign, string line)
    {
        using var s = HassStore.Open(store);
        var stored = s.GetCampaign(campaign)!;
        Assert.Equal(CampaignStatus.Interrupted, stored.Status);
        Assert.Matches("^interrupted: " + Regex.Escape(line["error: ".Length..]).Replace("HASH12", "[0-9a-f]{12}") + "$", stored.Message);
        var trials = s.Trials(campaign);
        Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
        Assert.Equal(trials.Count, trials.Select(t => t.Number).Distinct().Count());
        var finished = trials.Where(t => t.State != TrialState.Abandoned).ToDictionary(t => t.Number, t => HassJson.Serialize(t));
        Assert.True(finished.Count >= 3, $"{finished.Count} finished trials");
        return finished;
    }
}

using System.Net;
using Hass.Distributed;

namespace Hass.Distributed.Tests;

public class ClusterSettingsTests
{
    [Theory]
    [InlineData("local", null)]
    [InlineData("redis://127.0.0.1:6380", "127.0.0.1:6380")]
    [InlineData("redis://redis.lab", "redis.lab:6379")]
    [InlineData("redis://redis.lab/", "redis.lab:6379")]
    public void Cluster_addresses_are_local_or_redis(string text, string? redis) => Assert.Equal(redis, ClusterAddress.Parse(text).Redis);

    [Theory]
    [InlineData("redis:/x")]
    [InlineData("http://127.0.0.1:6379")]
    [InlineData("redis://host:6379/2")]
    [InlineData("")]
    [InlineData("LOCAL")]
    public void Other_text_is_no_cluster_address(string text) =>
        Assert.Contains("is not a cluster address", Assert.Throws<ClusterConfigurationException>(() => ClusterAddress.Parse(text)).Message);

    [Fact]
    public void A_secret_is_needed_beyond_loopback_only()
    {
        Assert.Equal("", ClusterSettings.ReadSecret(null, null, IPAddress.Loopback));
        Assert.Equal("s", ClusterSettings.ReadSecret(null, " s ", IPAddress.Parse("10.0.0.2")));
        Assert.Throws<ClusterConfigurationException>(() => ClusterSettings.ReadSecret(null, "", IPAddress.Any));
    }

    [Fact]
    public void The_secret_file_wins_and_must_not_be_empty()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "from-file\n");
        Assert.Equal("from-file", ClusterSettings.ReadSecret(file, "from-env", IPAddress.Loopback));
        File.WriteAllText(file, "  ");
        Assert.Contains("is empty", Assert.Throws<ClusterConfigurationException>(() => ClusterSettings.ReadSecret(file, "from-env", IPAddress.Loopback)).Message);
        File.Delete(file);
    }

    [Theory]
    [InlineData("redis://user:pw@host:6379", "redis://host:6379")]
    [InlineData("redis://:pw@host", "redis://host")]
    [InlineData("redis://user@host:6380", "redis://host:6380")]
    [InlineData("redis://user:p@w@host", "redis://host")]
    [InlineData("user@host", "redis://host")]
    [InlineData("user:pw@host:6379", "redis://host:6379")]
    [InlineData("host:6379,user=user,password=pw", "redis://host:port")]
    [InlineData("redis://host:6379?password=pw", "redis://host:port")]
    [InlineData("redis://user:pw@host:6379/?x", "redis://host:port")]
    public void A_user_or_password_in_the_address_is_refused_pointing_to_the_variables_without_repeating_it(string text, string address)
    {
        var message = Assert.Throws<ClusterConfigurationException>(() => ClusterAddress.Parse(text)).Message;
        Assert.Equal("cluster address: give the Redis user in $HASS_CLUSTER_REDIS_USER and its password in $HASS_CLUSTER_REDIS_PASSWORD, not in the address " +
                     $"(other users could read them in the process list): use {address}", message);
        Assert.DoesNotContain("pw", message);
        Assert.DoesNotContain("user@", message);
        Assert.DoesNotContain("user:", message);
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData(null, "pw", null, "pw")]
    [InlineData(" ", "pw", null, "pw")]
    [InlineData("hass", "pw", "hass", "pw")]
    public void The_redis_login_is_a_password_with_or_without_a_user(string? user, string? password, string? expectedUser, string? expectedPassword) =>
        Assert.Equal((expectedUser, expectedPassword), ClusterSettings.ReadRedisLogin(user, password));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void A_redis_user_without_a_password_is_refused_naming_both_variables(string? password)
    {
        var message = Assert.Throws<ClusterConfigurationException>(() => ClusterSettings.ReadRedisLogin("hass", password)).Message;
        Assert.Equal("$HASS_CLUSTER_REDIS_USER is set but $HASS_CLUSTER_REDIS_PASSWORD is not: set the Redis user's password there too (here and for every worker), " +
                     "or unset $HASS_CLUSTER_REDIS_USER to log in as the default user", message);
    }

    [Fact]
    public void A_secret_file_that_is_a_device_or_too_large_is_refused_before_it_is_read()
    {
        Assert.Equal("--secret-file /dev/zero: is empty or not a regular file",
            Assert.Throws<ClusterConfigurationException>(() => ClusterSettings.ReadSecret("/dev/zero", null, IPAddress.Loopback)).Message);
        var file = Path.GetTempFileName();
        File.WriteAllText(file, new string('s', (int)ClusterSettings.MaxSecretFileBytes + 1));
        Assert.Contains("is larger than 64 KiB", Assert.Throws<ClusterConfigurationException>(() => ClusterSettings.ReadSecret(file, null, IPAddress.Loopback)).Message);
        File.Delete(file);
    }

    [Fact]
    public void A_certificate_file_that_is_a_device_is_refused_before_it_is_read()
    {
        var e = Assert.Throws<ClusterConfigurationException>(() => ClusterTls.Load("/dev/zero", null));
        Assert.StartsWith("--tls-certificate /dev/zero: is empty or not a regular file", e.Message);
    }

    [Fact]
    public void A_proof_holds_for_its_secret_nonce_and_worker_only()
    {
        var proof = ClusterSecret.Proof("s", "n", "w");
        Assert.True(ClusterSecret.Verify("s", "n", "w", proof));
        Assert.False(ClusterSecret.Verify("t", "n", "w", proof));
        Assert.False(ClusterSecret.Verify("s", "m", "w", proof));
        Assert.False(ClusterSecret.Verify("s", "n", "v", proof));
    }

    [Fact]
    public void A_plugin_difference_names_only_the_plugins_that_differ_however_long_the_lists()
    {
        var common = string.Join(", ", Enumerable.Range(0, 12).Select(i => $"Hass.Plugin{i:00} 0.1.0"));
        var owner = new Dictionary<string, string> { ["plugins"] = common + ", Hass.TestPlugins.Synthetic 0.1.0" };
        var worker = new Dictionary<string, string> { ["plugins"] = common + ", Hass.TestPlugins.Synthetic 0.1.1" };
        Assert.Equal("plugins: owner only Hass.TestPlugins.Synthetic 0.1.0, worker only Hass.TestPlugins.Synthetic 0.1.1", WorkerIdentity.Difference(owner, worker));
        var missing = new Dictionary<string, string> { ["plugins"] = common };
        Assert.Equal("plugins: owner only Hass.TestPlugins.Synthetic 0.1.0, worker only (none more)", WorkerIdentity.Difference(owner, missing));
    }

    [Fact]
    public void Identity_differences_name_the_specific_parts_before_the_whole_fingerprint()
    {
        var owner = new Dictionary<string, string> { ["checkpoint"] = new('a', 64), ["plugins"] = "zoo 1.0", ["evaluator"] = "e1" };
        Assert.Null(WorkerIdentity.Difference(owner, new Dictionary<string, string>(owner)));
        var worker = new Dictionary<string, string>(owner) { ["plugins"] = "zoo 1.1", ["evaluator"] = "e2" };
        Assert.Equal("plugins: owner only zoo 1.0, worker only zoo 1.1", WorkerIdentity.Difference(owner, worker));
        var onlyEvaluator = new Dictionary<string, string>(owner) { ["evaluator"] = "e3" };
        Assert.Equal("evaluator: owner e1, worker e3", WorkerIdentity.Difference(owner, onlyEvaluator));
        var checkpoint = new Dictionary<string, string>(owner) { ["checkpoint"] = new('b', 64) };
        Assert.Equal("checkpoint: owner aaaaaaaaaaaa…, worker bbbbbbbbbbbb…", WorkerIdentity.Difference(owner, checkpoint));
    }
}

using Hass.Distributed;
using StackExchange.Redis;

namespace Hass.Distributed.Tests;

/// <summary>The one line each Redis refusal becomes (exit 7): what went wrong, and which variable or permission fixes it.</summary>
public class ClusterErrorsTests
{
    private static ClusterSettings Settings(string? user, string? password) =>
        new() { Address = ClusterAddress.Parse("redis://10.0.0.5:6379"), ClusterId = "hass-c-0", RedisUser = user, RedisPassword = password };

    private static Exception Refused(string reply) =>
        new RedisConnectionException(ConnectionFailureType.UnableToConnect, "It was not possible to connect", new RedisServerException(reply));

    [Fact]
    public void A_redis_that_wants_a_login_names_the_password_and_user_variables()
    {
        var e = ClusterErrors.Explain(Refused("NOAUTH Authentication required."), Settings(null, null))!;
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 wants a password: set $HASS_CLUSTER_REDIS_PASSWORD to it (its requirepass; with $HASS_CLUSTER_REDIS_USER " +
                     "for an ACL user), here and for every worker", e.Message);
    }

    [Fact]
    public void A_refused_password_or_user_names_its_variables_and_never_the_password()
    {
        var wrongPass = Refused("WRONGPASS invalid username-password pair or user is disabled.");
        var defaultUser = ClusterErrors.Explain(wrongPass, Settings(null, "s3cret"))!.Message;
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 refused the password in $HASS_CLUSTER_REDIS_PASSWORD: set it to the Redis's requirepass " +
                     "(or the password of an ACL user named in $HASS_CLUSTER_REDIS_USER)", defaultUser);
        var aclUser = ClusterErrors.Explain(wrongPass, Settings("hass", "s3cret"))!.Message;
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 refused the user in $HASS_CLUSTER_REDIS_USER with the password in $HASS_CLUSTER_REDIS_PASSWORD " +
                     "(no such user, user off, or wrong password): set them to an ACL user of that Redis and its password", aclUser);
        Assert.DoesNotContain("s3cret", defaultUser + aclUser);
    }

    [Fact]
    public void A_user_without_the_permissions_is_told_which_keys_and_commands_it_needs()
    {
        var e = ClusterErrors.Explain(Refused("NOPERM this user has no permissions to run the 'hset' command"), Settings("hass", "pw"))!;
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 does not let the user 'hass' do what the cluster needs (this user has no permissions to run the 'hset' command): " +
                     "give it these keys and commands: ACL SETUSER hass ~hass/members/* +ping +echo +eval +hgetall +hget +hexists +hsetnx +hset +hdel (or ~* +@all)", e.Message);
        Assert.NotNull(ClusterErrors.RedisFailed(e));
        Assert.Contains("the default user", ClusterErrors.Explain(new RedisServerException("NOPERM No permissions to access a key"), Settings(null, "pw"))!.Message);
    }

    [Fact]
    public void A_login_refused_during_a_run_says_what_changed_and_names_the_user()
    {
        var wrongPass = Refused("WRONGPASS invalid username-password pair or user is disabled.");
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 no longer takes the user 'hass' with the password in $HASS_CLUSTER_REDIS_PASSWORD (the user was deleted or " +
                     "switched off, or its password changed): set $HASS_CLUSTER_REDIS_PASSWORD to its password, or give the user back: ACL SETUSER hass on >PASSWORD " +
                     "~hass/members/* +ping +echo +eval +hgetall +hget +hexists +hsetnx +hset +hdel", ClusterErrors.ExplainRevoked(wrongPass, Settings("hass", "s3cret"))!.Message);
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 no longer takes the password in $HASS_CLUSTER_REDIS_PASSWORD (its requirepass changed): set it to the new one, " +
                     "here and for every worker", ClusterErrors.ExplainRevoked(wrongPass, Settings(null, "s3cret"))!.Message);
        Assert.StartsWith("the cluster's Redis on 10.0.0.5:6379 now wants a password: set $HASS_CLUSTER_REDIS_PASSWORD",
            ClusterErrors.ExplainRevoked(Refused("NOAUTH Authentication required."), Settings(null, null))!.Message);
    }

    [Fact]
    public void A_permission_revoked_during_a_run_names_it_and_the_acl_line_and_an_unanswering_redis_is_no_revocation()
    {
        var e = ClusterErrors.ExplainRevoked(Refused("NOPERM this user has no permissions to run the 'hset' command on the key hass/members/c"), Settings("hass", "pw"))!;
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 no longer lets the user 'hass' do what the cluster needs (this user has no permissions to run the 'hset' command " +
                     "on the key hass/members/c): give it these keys and commands: ACL SETUSER hass ~hass/members/* +ping +echo +eval +hgetall +hget +hexists +hsetnx +hset +hdel (or ~* +@all)",
            e.Message);
        Assert.Null(ClusterErrors.ExplainRevoked(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "It was not possible to connect"), Settings("hass", "pw")));
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 has not answered for 30 s: start redis-server there again, or mend the network to it",
            ClusterErrors.Unanswered(Settings(null, null), TimeSpan.FromSeconds(30), null).Message);
    }
}

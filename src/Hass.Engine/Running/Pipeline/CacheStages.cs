using System.Diagnostics;
using System.Globalization;
using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Engine.Running.Pipeline;

/// <summary>
/// The evaluation cache: a stored evaluation of the same point, split and early stop replaces the evaluate stage. A cached
/// evaluation that fails <see cref="Plugins.EvaluationCheck"/> (stored by an engine that did not check evaluations) is no hit.
/// </summary>
public sealed class CachedEvaluateStage(ITrialStage inner, HassStore store, ITrialEvaluator evaluator) : ITrialStage
{
    public string Name => inner.Name;

    /// <summary>Hashed, because the quantised parameters of a deep model (one value per layer and site) exceed LiteDB's 1,023-byte key limit.</summary>
    public static string Key(string fingerprint, ParameterSet parameters, EvaluationRequest request) =>
        Hashing.Sha256Hex($"{fingerprint}|{parameters.QuantisedKey()}|{request.Split}|es={request.EarlyStopDrop.ToString("G6", CultureInfo.InvariantCulture)}");

    /// <summary>The cached evaluation, or a fresh one (then cached); used for the baseline too.</summary>
    public static EvaluationOutcome Evaluate(HassStore store, ITrialEvaluator evaluator, ParameterSet parameters, EvaluationRequest request,
        CancellationToken cancellationToken)
    {
        var key = Key(evaluator.Fingerprint, parameters, request);
        if (Usable(store.GetEvaluation(key), request, evaluator.Graph) is { } cached) return cached;
        cancellationToken.ThrowIfCancellationRequested();
        var outcome = evaluator.Evaluate(parameters, request, cancellationToken);
        store.SaveEvaluation(key, outcome);
        return outcome;
    }

    /// <summary>A cached outcome serves a request when it has what the request asks for: a profile, the pairing with the unpruned network.</summary>
    private static EvaluationOutcome? Usable(EvaluationOutcome? cached, EvaluationRequest request, NetworkGraph graph) =>
        cached is not null && (cached.Profile is not null || !request.Profile) && (cached.LostImages is not null || !request.PairWithDefaults)
        && Plugins.EvaluationCheck.Problem(cached, request with { Profile = false }, graph) is null ? cached : null;

    public async Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var key = Key(evaluator.Fingerprint, work.Record.Parameters, work.Request);
        if (Usable(store.GetEvaluation(key), work.Request, evaluator.Graph) is { } cached)
        {
            work.Evaluation = cached;
            work.EvaluationCacheHit = true;
            return;
        }
        await inner.RunAsync(work, cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        store.SaveEvaluation(key, work.Evaluation!);
        work.StoreSeconds += watch.Elapsed.TotalSeconds;
    }
}

/// <summary>
/// The design cache: a stored design of the same graph, profile, board, backend version and options replaces the
/// design stage; a design already on the trial (built by a worker of a distributed campaign) is stored as it is. A cached design
/// that fails <see cref="Plugins.DesignCheck"/> is no hit: the backend builds it again.
/// </summary>
public sealed class CachedDesignStage(DesignStage inner, HassStore store) : ITrialStage
{
    /// <summary>
    /// Part of the key, so designs cached by an older engine are never served. Generation 2: before it, a distributed
    /// quantised campaign cached its workers' 16-bit designs under its own widths' key, and a design does not say its
    /// widths (a <c>systolic-sparse</c> design never states them), so such entries cannot be told apart when read.
    /// </summary>
    public const int KeyGeneration = 2;

    public string Name => inner.Name;

    public static string Key(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IAcceleratorBackend backend, DesignOptions options) =>
        Hashing.Sha256Hex($"design-cache-{KeyGeneration}|{graph.ContentHash()}|{profile.ContentHash()}|{Hashing.Sha256Hex(HassJson.Serialize(board))}|{backend.Name}@{backend.Version}|{HassJson.Serialize(options)}");

    public async Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var key = Key(inner.Graph, work.Profile!, inner.Board, inner.Backend, inner.Options);
        // A cached design that fails the check (cached by an engine that did not check designs) is built again.
        if (store.GetDesign(key) is { } cached && Plugins.DesignCheck.Problem(cached, inner.Board, mustFit: true) is null)
        {
            work.Design = cached;
            work.DesignCacheHit = true;
            return;
        }
        // A worker of a distributed campaign built the design together with the evaluation: only cache it here.
        if (work.Design is null) await inner.RunAsync(work, cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        store.SaveDesign(key, work.Design!);
        work.StoreSeconds += watch.Elapsed.TotalSeconds;
    }
}

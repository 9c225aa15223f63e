namespace Hass.Engine.Tests;

/// <summary>
/// The campaign identity and warm-start key of the shipped campaign files as the hand-written reader of main
/// (commit 462ba2a, before ConfigJson) produced them: stores of campaigns run then must still resume. The default
/// campaign's pruning settings changed since (biasCorrection): its identity differs from then in those
/// settings alone, so its stores from before refuse to resume as the same search, as they must.
/// </summary>
internal static class IdentityFixtures
{
    public const string FmnistHassIdentity = """"
        {"model":"fmnist-vgg","checkpoint":null,"evaluator":null,"dataset":{"name":"fashion-mnist","path":null,"searchImages":2000,"calibrationImages":200,"testImages":null},"pruning":{"name":"threshold","settings":"{ \u0022biasCorrection\u0022: true }"},"backend":{"name":"dataflow-sparse","options":{"resourceAllocation":1,"ramAllocation":"NaN","batchSize":256,"anneal":false,"seed":0,"allowPartitions":true,"allowWeightsReloading":true,"denseBelowSparsity":0.1,"sparseCycles":"lane-max","skipAllZeroWindows":true,"pointwiseClusters":1,"lutramMaxDepth":64,"uramMinBram18":1}},"board":"zedboard","strategy":{"name":"sensitivity","settings":"{}"},"objective":{"metric":"throughput","toleranceTop1":1,"direction":null},"seed":0,"earlyStop":{"enabled":true,"dropFactor":3}}
        """";
    public const string FmnistHassWarmStart = "5f9992f39867c021f863a6b7147bb45afe91150007e174375778c8ef15734134";
    public const string SyntheticIdentity = """"
        {"model":"synthetic-cnn","checkpoint":null,"evaluator":null,"dataset":{"name":"synthetic","path":null,"searchImages":1000,"calibrationImages":100,"testImages":null},"pruning":{"name":"synthetic-threshold","settings":"{ \u0022delayMs\u0022: 0 }"},"backend":{"name":"toy","options":{"resourceAllocation":0.9,"ramAllocation":"NaN","batchSize":256,"anneal":false,"seed":0,"allowPartitions":true,"allowWeightsReloading":true,"denseBelowSparsity":0.1,"sparseCycles":"lane-max","skipAllZeroWindows":true,"pointwiseClusters":1,"lutramMaxDepth":64,"uramMinBram18":1}},"board":"toy-board","strategy":{"name":"seeded-random","settings":"{}"},"objective":{"metric":"throughput","toleranceTop1":1,"direction":null},"seed":7,"earlyStop":{"enabled":true,"dropFactor":3}}
        """";
    public const string SyntheticWarmStart = "22dbec03dda09557924701b55926ff1a47194ac864efdb758fd1807055b63447";
}

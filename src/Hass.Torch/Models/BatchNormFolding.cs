using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hass.Torch.Models;

/// <summary>
/// Folds every BatchNorm that follows a convolution into it (eval-mode statistics), giving a new <see cref="HassNet"/>
/// with the same node names, so graph layers and pruning sites agree.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>
    /// A new network with every BatchNorm that follows a convolution folded into it (eval-mode statistics):
    /// w' = w·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β. Same node names, so graph layers and pruning sites agree.
    /// </summary>
    public static HassNet Fold(HassNet net)
    {
        using var _ = no_grad();
        var bnAfter = net.Nodes.Where(n => n.Op == NodeOp.BatchNorm).ToDictionary(n => n.Inputs[0]);
        foreach (var bn in bnAfter.Values)
            if (net.Node(bn.Inputs[0]).Op != NodeOp.Conv)
                throw new NotSupportedException($"model '{net.ModelName}': BatchNorm '{bn.Name}' does not follow a convolution and cannot be folded");

        var nodes = new List<NetNode>();
        var alias = new Dictionary<string, string>();
        string Resolve(string name) => alias.TryGetValue(name, out var a) ? a : name;
        foreach (var node in net.Nodes)
        {
            if (node.Op == NodeOp.BatchNorm) { alias[node.Name] = Resolve(node.Inputs[0]); continue; }
            nn.Module<Tensor, Tensor>? module = node.Op switch
            {
                NodeOp.Conv => FoldedConv(node, bnAfter.GetValueOrDefault(node.Name)),
                NodeOp.Linear => CopyLinear(node.LinearModule),
                NodeOp.Activation => new ActivationSite(node.Activation, node.Site.NegativeSlope) { Threshold = node.Site.Threshold },
                NodeOp.MaxPool => nn.MaxPool2d(node.Kernel, node.Stride, node.Padding),
                NodeOp.AvgPool => nn.AvgPool2d(node.Kernel, node.Stride, node.Padding),
                NodeOp.Dropout => nn.Dropout(),
                _ => null,
            };
            nodes.Add(new NetNode
            {
                Name = node.Name, Op = node.Op, Inputs = node.Inputs.Select(Resolve).ToArray(),
                InputShape = node.InputShape, OutputShape = node.OutputShape, Module = module,
                Kernel = node.Kernel, Stride = node.Stride, Padding = node.Padding, AsymmetricPads = node.AsymmetricPads, Groups = node.Groups,
                Bias = node.Bias || bnAfter.ContainsKey(node.Name), Activation = node.Activation,
            });
        }
        var folded = new HassNet(net.ModelName, net.InputShape, net.Classes, nodes) { Folded = true };
        folded.eval();
        return folded;
    }

    private static Conv2d FoldedConv(NetNode node, NetNode? bn)
    {
        var conv = node.Conv;
        var folded = nn.Conv2d(conv.in_channels, conv.out_channels, node.Kernel, stride: node.Stride, padding: node.Padding,
            groups: node.Groups, bias: true);
        folded.weight!.copy_(conv.weight!);
        if (conv.bias is null) folded.bias!.zero_();
        else folded.bias!.copy_(conv.bias);
        if (bn is null) return folded;
        // Every temporary is held and disposed explicitly (see ActivationSite.forward): a folded weight read while the
        // finalizer thread frees an unreachable temporary would corrupt the network for the evaluator's whole life.
        var norm = (BatchNorm2d)bn.Module!;
        using var eps = norm.eps.ToScalar();
        using var one = 1.ToScalar();
        using var variance = norm.running_var!.add(eps, one);
        using var deviation = variance.sqrt();
        using var scale = norm.weight!.div(deviation);
        using var scalePerFilter = scale.reshape(-1, 1, 1, 1);
        folded.weight!.mul_(scalePerFilter);
        folded.bias!.sub_(norm.running_mean!).mul_(scale).add_(norm.bias!, one);
        return folded;
    }

    private static Linear CopyLinear(Linear source)
    {
        var copy = nn.Linear(source.in_features, source.out_features, hasBias: source.bias is not null);
        copy.weight!.copy_(source.weight!);   // under Fold's no_grad: no detached temporaries to keep alive
        if (source.bias is not null) copy.bias!.copy_(source.bias);
        return copy;
    }
}

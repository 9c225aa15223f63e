using Hass.Abstractions;

namespace Hass.Torch.Models;

/// <summary>The hardware-facing <see cref="NetworkGraph"/> of a <see cref="HassNet"/>: BatchNorm folded away (its conv gets a bias), dropout removed.</summary>
public static class HardwareGraph
{
    public static NetworkGraph Of(HassNet net)
    {
        var alias = new Dictionary<string, string>();
        string Resolve(string name) => alias.TryGetValue(name, out var a) ? a : name;
        var foldedInto = net.Nodes.Where(n => n.Op == NodeOp.BatchNorm).Select(n => n.Inputs[0]).ToHashSet();
        var layers = new List<Layer>();
        foreach (var node in net.Nodes)
        {
            if (node.Op is NodeOp.BatchNorm or NodeOp.Dropout)
            {
                alias[node.Name] = Resolve(node.Inputs[0]);
                continue;
            }
            var kind = node.Op switch
            {
                NodeOp.Input => LayerKind.Input,
                NodeOp.Conv => LayerKind.Conv,
                NodeOp.Linear => LayerKind.Linear,
                NodeOp.MaxPool => LayerKind.MaxPool,
                NodeOp.AvgPool => LayerKind.AvgPool,
                NodeOp.GlobalPool => LayerKind.GlobalPool,
                NodeOp.Flatten => LayerKind.Flatten,
                NodeOp.Add => LayerKind.EltwiseAdd,
                NodeOp.Mul => LayerKind.EltwiseMul,
                NodeOp.Concat => LayerKind.Concat,
                NodeOp.Activation => node.Activation switch
                {
                    ActivationKind.ReLU => LayerKind.ReLU,
                    ActivationKind.ReLU6 => LayerKind.ReLU6,
                    ActivationKind.Hardswish => LayerKind.Hardswish,
                    ActivationKind.LeakyReLU => LayerKind.LeakyReLU,
                    ActivationKind.Sigmoid => LayerKind.Sigmoid,
                    _ => LayerKind.Hardsigmoid,
                },
                _ => throw new InvalidOperationException($"unexpected node {node}"),
            };
            int kernelRows = node.Kernel, kernelCols = node.Kernel;
            if (node.Op == NodeOp.GlobalPool) { kernelRows = node.InputShape.Rows; kernelCols = node.InputShape.Cols; }
            var pads = node.AllPads;
            layers.Add(new Layer
            {
                Name = node.Name,
                Kind = kind,
                Inputs = node.Inputs.Select(Resolve).ToArray(),
                InputShape = node.InputShape,
                OutputShape = node.OutputShape,
                KernelRows = kernelRows,
                KernelCols = kernelCols,
                StrideRows = node.Op == NodeOp.GlobalPool ? 1 : node.Stride,
                StrideCols = node.Op == NodeOp.GlobalPool ? 1 : node.Stride,
                PadTop = pads.Top, PadBottom = pads.Bottom, PadLeft = pads.Left, PadRight = pads.Right,
                Groups = node.Groups,
                HasBias = node.Bias || foldedInto.Contains(node.Name),
                NegativeSlope = node.Activation == ActivationKind.LeakyReLU && node.Op == NodeOp.Activation ? node.Site.NegativeSlope : null,
            });
        }
        return new NetworkGraph { Name = net.ModelName, Layers = layers, Classes = net.Classes };
    }
}

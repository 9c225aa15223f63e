using Hass.Bench.Profiler;

return BenchProgram.Run(args);

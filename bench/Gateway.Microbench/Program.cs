using BenchmarkDotNet.Running;

// dotnet Gateway.Microbench.dll [BenchmarkDotNet args]   e.g. --filter '*' --job short   (bench/run.sh passes them)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

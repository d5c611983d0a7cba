using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Gateway.ClientMatrixTests.Infrastructure.MatrixTestFramework", "Gateway.ClientMatrixTests")]

namespace Gateway.ClientMatrixTests.Infrastructure;

/// <summary>
/// xunit's own framework, plus the end of the run as the moment the shared <see cref="MatrixWorld"/> stops: the
/// runner disposes the framework after the last test, while the test host still runs — briefly: it is killed
/// soon after, so the world's servers are killed first (a process-exit handler never runs at all).
/// </summary>
public sealed class MatrixTestFramework : XunitTestFramework
{
    public MatrixTestFramework(IMessageSink messageSink)
        : base(messageSink)
    {
        DisposalTracker.Add(new WorldStopper());
    }

    private sealed class WorldStopper : IDisposable
    {
        public void Dispose() => MatrixWorld.StopIfStarted();
    }
}

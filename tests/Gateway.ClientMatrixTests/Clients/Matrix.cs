namespace Gateway.ClientMatrixTests.Clients;

/// <summary>Every client of the matrix, and the xunit theory data of each command (clients that have it).</summary>
internal static class Matrix
{
    public static readonly IReadOnlyList<MatrixClient> All =
    [
        new NpmClient("npm9", "9.9.4"), new NpmClient("npm10", "10.9.9"), new NpmClient("npm11", "11.21.2", stages: true), new Npm12Client(),
        new Pnpm10Client(), new Pnpm12Client(), new Yarn1Client(), new Yarn4Client(), new BunClient(),
    ];

    public static MatrixClient Get(string id) => All.Single(c => c.Id == id);

    public static TheoryData<string> Where(Func<MatrixClient, bool> has)
    {
        var data = new TheoryData<string>();
        foreach (var client in All.Where(has))
        {
            data.Add(client.Id);
        }

        return data;
    }
}

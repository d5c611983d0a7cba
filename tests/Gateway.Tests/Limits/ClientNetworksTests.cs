using System.Net;
using Gateway.Limits;

namespace Gateway.Tests.Limits;

public sealed class ClientNetworksTests
{
    [Theory]
    [InlineData("127.0.0.2", "127.0.0.2")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Of_CountsIPv4AsIsAndIPv6PerSlash64(string address, string network) =>
        Assert.Equal(network, ClientNetworks.Of(IPAddress.Parse(address)));

    [Fact]
    public void Of_NoAddress_OneSharedNetwork() => Assert.Equal("unknown", ClientNetworks.Of(null));
}

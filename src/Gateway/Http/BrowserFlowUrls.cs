using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Http;

/// <summary>Absolute URLs of the browser flows, on the gateway's public origin (npm requires absolute http(s) URLs).</summary>
internal sealed class BrowserFlowUrls(IOptions<GatewayOptions> options)
{
    private string Origin => options.Value.PublicUrl.TrimEnd('/');

    public string Authorize(string flowId) => Origin + GatewayUrls.Authorize(flowId);

    public string Login(string flowId) => Origin + GatewayUrls.Login(flowId);

    public string Done(string doneId) => Origin + GatewayUrls.Done(doneId);
}

namespace Gateway.Pipeline;

/// <summary>
/// The gateway's stages, in request order. This is the one place the order is written:
/// route policy → identity → user mode → second factor → forward (YARP) or challenge.
/// </summary>
internal static class GatewayPipelineExtensions
{
    public static IReverseProxyApplicationBuilder UseGatewayStages(this IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.UseMiddleware<ClassificationMiddleware>();
        return pipeline;
    }
}

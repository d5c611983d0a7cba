using Gateway.Http;

namespace Gateway.Browser;

/// <summary>The pages' only script and stylesheet, served from the gateway itself (no front-end build).</summary>
internal static class Assets
{
    public static IEndpointRouteBuilder MapGatewayAssets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(GatewayUrls.Script, () => Results.Text(Script, "text/javascript; charset=utf-8"));
        endpoints.MapGet(GatewayUrls.Style, () => Results.Text(Style, "text/css; charset=utf-8"));
        return endpoints;
    }

    // WebAuthn through the browser's JSON helpers (parseCreationOptionsFromJSON / parseRequestOptionsFromJSON /
    // toJSON): the server sends ASP.NET's options JSON as is and receives the credential's JSON as is.
    private const string Script = $$"""
        "use strict";
        function antiforgery(form) {
          const input = (form || document).querySelector('input[name="__RequestVerificationToken"]');
          return input ? input.value : "";
        }
        async function postJson(url, form, body) {
          const response = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json", "RequestVerificationToken": antiforgery(form) },
            body: JSON.stringify(body || {}),
            credentials: "same-origin",
          });
          const json = await response.json().catch(() => ({}));
          if (!response.ok) { throw new Error(json.error || ("HTTP " + response.status)); }
          return json;
        }
        function showError(form, message) {
          let p = form.querySelector(".error");
          if (!p) { p = document.createElement("p"); p.className = "error"; p.setAttribute("role", "alert"); form.prepend(p); }
          p.textContent = message;
        }
        async function useKey(button) {
          const form = button.closest("form");
          try {
            const { ceremonyId, options } = await postJson("{{GatewayUrls.AssertionOptions}}", form, { subject: button.dataset.subject });
            const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
            form.querySelector('input[name="ceremonyId"]').value = ceremonyId;
            form.querySelector('input[name="credential"]').value = JSON.stringify(credential.toJSON());
            form.submit();
          } catch (e) { showError(form, "Security key: " + e.message); }
        }
        async function addKey(button) {
          const form = button.closest("form");
          try {
            const { ceremonyId, options } = await postJson("{{GatewayUrls.KeyOptions}}", form, {});
            const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
            form.querySelector('input[name="ceremonyId"]').value = ceremonyId;
            form.querySelector('input[name="credential"]').value = JSON.stringify(credential.toJSON());
            form.submit();
          } catch (e) { showError(form, "Security key: " + e.message); }
        }
        document.addEventListener("DOMContentLoaded", () => {
          document.querySelectorAll("button.use-key").forEach(b => b.addEventListener("click", () => useKey(b)));
          document.querySelectorAll("button.add-key").forEach(b => b.addEventListener("click", () => addKey(b)));
        });
        """;

    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
        header { background: #cb3837; padding: .6rem 1rem; } header a { color: #fff; font-weight: bold; text-decoration: none; }
        main { max-width: 40rem; margin: 1.5rem auto; padding: 0 1rem; }
        form, section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1rem; margin: 1rem 0; }
        label { display: block; margin: .5rem 0; } input:not([type=hidden]), select { display: block; width: 100%; padding: .4rem; margin-top: .2rem; box-sizing: border-box; }
        input[type=radio] { display: inline; width: auto; }
        button { padding: .45rem .9rem; margin: .4rem .4rem 0 0; cursor: pointer; }
        fieldset { border: 1px dashed #bbb; } .error { color: #b00020; } .notice { color: #1b5e20; }
        .codes code, .secret { font-family: ui-monospace, monospace; font-size: 1.05rem; } .qr img { width: 14rem; image-rendering: pixelated; }
        table { width: 100%; border-collapse: collapse; } td, th { text-align: left; padding: .3rem; border-bottom: 1px solid #eee; }
        """;
}

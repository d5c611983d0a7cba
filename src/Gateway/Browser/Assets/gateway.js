// The gateway pages' only script (served at /-/gateway/assets/gateway.js; the pages' policy allows no inline script).
// WebAuthn through the browser's JSON helpers (parseCreationOptionsFromJSON / parseRequestOptionsFromJSON / toJSON):
// the server sends ASP.NET's options JSON as is and receives the credential's JSON as is.
// The two JSON URLs are Http/GatewayUrls.cs's AssertionOptions and KeyOptions (a unit test keeps them equal), called
// under the path this script was served from: the gateway may live under a path (docs/ARCHITECTURE.md, "The gateway under a path").
"use strict";
const publicPath = new URL(document.currentScript.src).pathname.replace(/\/-\/gateway\/assets\/gateway\.js$/, "");
function at(gatewayUrl) { return publicPath + gatewayUrl; }
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
    const { ceremonyId, options } = await postJson(at("/-/gateway/webauthn/assertion-options"), form, { subject: button.dataset.subject });
    const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    form.querySelector('input[name="ceremonyId"]').value = ceremonyId;
    form.querySelector('input[name="credential"]').value = JSON.stringify(credential.toJSON());
    form.submit();
  } catch (e) { showError(form, "Security key: " + e.message); }
}
async function addKey(button) {
  const form = button.closest("form");
  try {
    const { ceremonyId, options } = await postJson(at("/-/gateway/account/keys/options"), form, {});
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

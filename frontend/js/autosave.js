// Autosave of a long form (the draft record): the form is posted to its data-autosave-url
// 2.5 seconds after the last keystroke and whenever a field is left (change), through the same checks
// and service as "Save draft" (audits.views.audit_autosave). Without JavaScript the form works as
// before: nothing here is needed to save or submit.
//
// The record's version travels in the form's hidden "version" field. Each autosave bumps it, so the
// answer's new version is written back into the field: the person's own "Save draft" or "Submit" then
// carries the version they have just saved, and is not refused as stale. When the record changed
// elsewhere (409), autosaving stops and the message shows: the person's next "Save draft" is refused
// with what changed, as without JavaScript, so nothing is overwritten silently.

const DELAY_MS = 2500;

function timeNow() {
  const now = new Date();
  return `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
}

export function initAutosave(form) {
  const url = form.dataset.autosaveUrl;
  const version = form.querySelector('input[name="version"]');
  const status = form.querySelector("[data-autosave-status]");
  const stopped = document.querySelector("[data-autosave-stopped]");
  if (!url || !version || !status) return;

  let timer = null;
  let inFlight = null;
  let lastSent = serialise();
  let halted = false;

  function serialise() {
    const data = new FormData(form);
    data.delete("version");
    data.delete("csrfmiddlewaretoken");
    return new URLSearchParams(data).toString();
  }

  function stop(message) {
    halted = true;
    clearTimeout(timer);
    status.textContent = "";
    if (stopped) {
      stopped.querySelector("[data-autosave-message]").textContent = message;
      stopped.hidden = false;
      stopped.focus?.();
    }
  }

  async function save() {
    clearTimeout(timer);
    timer = null;
    if (halted) return;
    // One save at a time, each carrying the version the last one returned (a loop: another save may
    // have started while this one waited).
    while (inFlight) {
      await inFlight;
    }
    if (halted) return;
    const sending = serialise();
    if (sending === lastSent) return;
    inFlight = send(sending).finally(() => {
      inFlight = null;
    });
    await inFlight;
  }

  async function send(sending) {
    status.textContent = "Saving…";
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "application/json" },
        redirect: "manual",
      });
    } catch {
      status.textContent = "Not saved: no connection. Your work is still on this page.";
      return;
    }
    const json = response.headers.get("Content-Type")?.includes("application/json") ? await response.json() : {};
    if (response.ok) {
      version.value = json.version;
      lastSent = sending;
      status.textContent = `Saved at ${json.saved_at || timeNow()}`;
      // Any signed-in request renews the session: the timeout warning starts counting again.
      document.dispatchEvent(new CustomEvent("app:session-renewed"));
    } else if (response.status === 409) {
      stop(json.message || "This record has changed elsewhere. Your changes have not been saved.");
    } else if (response.status === 400) {
      // Partial input the draft cannot take yet (a half-typed date): "Save draft" shows the errors.
      status.textContent = "Not saved yet: some answers need checking. Save the draft to see which.";
    } else if (response.type === "opaqueredirect" || response.status === 403) {
      // Signed out: the form is kept across sign-in when posted (core/kept_forms.py).
      stop("You have been signed out. Press “Save draft” to sign in again: what you typed is kept.");
    } else {
      status.textContent = "Not saved: something went wrong. Your work is still on this page.";
    }
  }

  function later() {
    if (halted) return;
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", () => save());

  // A button pressed while an autosave is on its way waits for its answer, so it posts the new version.
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    if (!inFlight) return;
    event.preventDefault();
    const submitter = event.submitter;
    inFlight.then(() => form.requestSubmit(submitter));
  });
}

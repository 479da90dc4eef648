// GOV.UK's timeout warning: SESSION_WARNING_SECONDS before the idle limit the dialog opens, focus moves
// to its heading, and a polite live region counts down. "Stay signed in" posts to the keep-alive page
// (any signed-in request renews the session) without leaving the page, so nothing typed is lost.
// At the limit the dialog closes and the page stays: a form posted now is kept across sign-in
// (core/kept_forms.py), so sending the person away would be the only way to lose their work.

function describe(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export function initTimeoutWarning(dialog) {
  const idle = Number(dialog.dataset.idleSeconds);
  const warning = Number(dialog.dataset.warningSeconds);
  if (!(idle > 0) || !(warning > 0)) return;
  const countdown = dialog.querySelector("[data-countdown]");
  const heading = dialog.querySelector("h2");
  const keepAlive = dialog.querySelector("form[data-keep-alive]");
  let endsAt = 0;
  let warnTimer = null;
  let tick = null;
  let returnFocus = null;

  function close() {
    dialog.hidden = true;
    clearInterval(tick);
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  }

  function update() {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (left === 0) {
      // Signed out now: give the page back, so its button can still be pressed and what was typed kept.
      close();
      return;
    }
    countdown.textContent = `For your security, we will sign you out in ${describe(left)}.`;
  }

  function open() {
    returnFocus = document.activeElement;
    dialog.hidden = false;
    update();
    heading.focus();
    tick = setInterval(update, 1000);
  }

  function start() {
    clearTimeout(warnTimer);
    endsAt = Date.now() + idle * 1000;
    warnTimer = setTimeout(open, Math.max(0, (idle - warning) * 1000));
  }

  keepAlive.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(keepAlive.action, {
      method: "POST",
      body: new FormData(keepAlive),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      redirect: "manual",
    });
    if (response.ok) {
      close();
      start();
    } else {
      update();
    }
  });

  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      // GOV.UK's pattern: closing the dialog counts as staying signed in.
      event.preventDefault();
      keepAlive.requestSubmit();
    }
  });

  // Another request of this page renewed the session (an autosave): count from now.
  document.addEventListener("app:session-renewed", () => {
    if (dialog.hidden) start();
  });

  start();
}

// QA Portal's JavaScript, loaded with <script type="module">: browsers without ES module support skip it
// and get the no-JavaScript version of every component, as GOV.UK Frontend intends.
//
// The Content Security Policy forbids inline scripts, so the body classes that GOV.UK Frontend's page
// template sets with an inline snippet are set here instead. Reaching this line already proves module
// support, which is what the snippet tests for.
import { initAll } from "./govuk-frontend.min.js";
import { initAutosave } from "./autosave.js";
import { initTimeoutWarning } from "./session-timeout.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

const timeoutWarning = document.querySelector('[data-module="app-timeout-warning"]');
if (timeoutWarning) initTimeoutWarning(timeoutWarning);

for (const form of document.querySelectorAll('form[data-module="app-autosave"]')) initAutosave(form);

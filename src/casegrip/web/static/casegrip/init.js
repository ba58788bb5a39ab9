// Start GOV.UK Frontend's and MOJ Frontend's JavaScript components (the elements with a
// data-module attribute). Loaded from base.html as <script type="module">.
//
// The imports are relative to this file, not to /static/, so they work under any
// STATIC_URL (and after ManifestStaticFilesStorage renames the files).
import { createAll, initAll as initGovukFrontend } from "./../dist/govuk-frontend.min.js";
import { FilterToggleButton, initAll as initMojFrontend } from "./../dist/moj-frontend.min.js";

function start(scope) {
  initGovukFrontend({ scope });
  initMojFrontend({ scope });
  // MOJ's initAll leaves out the filter's show/hide button (data-module="moj-filter"):
  // it needs a .moj-action-bar__filter on the page to put the button in.
  createAll(FilterToggleButton, undefined, { scope });
}

start(document);

// Content that htmx swaps in later gets the same treatment, scoped to the new element.
// htmx also fires htmx:load on <body> once at start-up: that is already done above.
document.addEventListener("htmx:load", (event) => {
  const scope = event.target;
  if (scope instanceof Element && scope !== document.body) {
    start(scope);
  }
});

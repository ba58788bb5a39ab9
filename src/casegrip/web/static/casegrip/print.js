// "Print this list" buttons: inline handlers are blocked by the CSP, so they are wired here.
for (const button of document.querySelectorAll("[data-cg-print]")) {
  button.addEventListener("click", () => window.print());
}

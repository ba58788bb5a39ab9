// Draw every chart on the page: each <div data-cg-chart="id"> gets the Vega-Lite spec from the
// JSON <script id="id"> beside it. Module scripts run after the deferred vega bundles, so the
// globals vega and vegaEmbed are there. Charts are drawn as SVG with Vega's interpreter, so the
// page's CSP needs no 'unsafe-eval', and without vega-embed's injected style or action menu.
import { expressionInterpreter } from "./../dist/vega-interpreter.js";

async function draw(element) {
  const source = document.getElementById(element.dataset.cgChart);
  if (!source) return;
  const spec = JSON.parse(source.textContent);
  try {
    await window.vegaEmbed(element, spec, {
      renderer: "svg",
      actions: false,
      defaultStyle: false,
      ast: true,
      expr: expressionInterpreter,
      // vega-tooltip would inject its own <style>, which the CSP blocks: its look is in
      // casegrip.css instead.
      tooltip: { disableDefaultStyle: true },
      // A layer with nothing to draw (no target, say) is expected, not worth a console warning.
      logLevel: window.vega.Error,
    });
    element.dataset.cgChartDrawn = "true";
  } catch (error) {
    element.textContent = "The chart could not be drawn; its figures are in the table below.";
    element.dataset.cgChartDrawn = "failed";
    console.error(error);
  }
}

function drawAll(scope) {
  scope.querySelectorAll("[data-cg-chart]:not([data-cg-chart-drawn])").forEach(draw);
}

drawAll(document);
document.addEventListener("htmx:load", (event) => {
  if (event.target instanceof Element) drawAll(event.target);
});

// Render the maths that pymdownx.arithmatex (generic mode) marked: \( inline \) and \[ display \].
// KaTeX itself is vendored in assets/katex, so the site needs no network.
function renderMaths(root) {
  renderMathInElement(root, {
    delimiters: [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
  });
}
if (typeof document$ !== "undefined") {
  document$.subscribe(({ body }) => renderMaths(body));  // mkdocs-material's instant loading
} else {
  document.addEventListener("DOMContentLoaded", () => renderMaths(document.body));
}

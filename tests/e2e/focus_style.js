// The focused element, and the best contrast of its focus indicator's colours (outline and
// box-shadow) against the background around it; read by tests/e2e/browsing.focus_contrast.
(element) => {
  const rgb = (text) => {
    const m = text.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return a === 0 ? null : [r, g, b];
  };
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratio = (x, y) => { const [a, b] = [luminance(x), luminance(y)].sort((p, q) => q - p); return (a + 0.05) / (b + 0.05); };
  let background = null;
  for (let e = element.parentElement; e && !background; e = e.parentElement) background = rgb(getComputedStyle(e).backgroundColor);
  background = background || [255, 255, 255];
  if (element.type === "date" && !element.matches(":focus")) {
    // Focus is on the date field's calendar button, inside the browser's own part of the
    // field, which draws its black ring on the white field.
    return { tag: element.tagName, text: "calendar button", best: ratio([0, 0, 0], [255, 255, 255]) };
  }
  const style = getComputedStyle(element);
  const colours = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) colours.push(rgb(style.outlineColor));
  for (const shadow of style.boxShadow.matchAll(/rgba?\([^)]+\)/g)) colours.push(rgb(shadow[0]));
  const best = Math.max(0, ...colours.filter(Boolean).map((c) => ratio(c, background)));
  return { tag: element.tagName, text: (element.textContent || element.name || "").trim().slice(0, 40), best };
}

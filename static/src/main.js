import "bootstrap";

// A form that changes state is sent once: a second press while the first is on its way is
// ignored, so a double click never records the same decision twice. The buttons are disabled
// only after the browser has read the form, so the pressed button's name still goes with it.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  if (form.dataset.submitting) {
    event.preventDefault();
    return;
  }
  form.dataset.submitting = "true";
  form.setAttribute("aria-busy", "true");
  setTimeout(() => {
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
  }, 0);
});

// Pages restored from the back/forward cache get their buttons back.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-submitting]")) {
    delete form.dataset.submitting;
    form.removeAttribute("aria-busy");
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
  }
});

// The people picker: a work-email field with data-people-search suggests colleagues as you type
// a name, an email or an office, through a native <datalist> (keyboard and screen readers work
// as with any input). Without JavaScript it is a plain email field.
const peopleLists = new WeakMap();
let peopleTimer;
let peopleAsked = 0;
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.peopleSearch) return;
  let list = peopleLists.get(input);
  if (!list) {
    list = document.createElement("datalist");
    list.id = input.getAttribute("list");
    input.after(list);
    peopleLists.set(input, list);
  }
  clearTimeout(peopleTimer);
  const text = input.value.trim();
  if (text.length < 2) return;
  peopleTimer = setTimeout(async () => {
    const asked = ++peopleAsked;
    const url = `${input.dataset.peopleSearch}?q=${encodeURIComponent(text)}`;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { people } = await response.json();
    if (asked !== peopleAsked) return; // a later search has been asked for: keep its answer
    list.replaceChildren(
      ...people.map((person) => {
        const option = document.createElement("option");
        option.value = person.email;
        option.label = person.office ? `${person.name} – ${person.office}` : person.name;
        return option;
      }),
    );
  }, 200);
});

// "Print" buttons on printable records (no inline script, so a strict CSP can forbid it).
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});

// The error summary of a refused form takes focus when the page loads, so that it is read out
// first; each of its links moves focus to its field and brings the field's label (or its
// group's legend) into view with it.
const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) errorSummary.focus();
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const field = document.getElementById(link.hash.slice(1));
  if (!field) return;
  event.preventDefault();
  // A group of radios or checkboxes is brought into view from its legend; any other field,
  // a lone checkbox included, from its own label (a fieldset may hold many fields, and its
  // legend may be far above this one).
  const named = field.form && field.name ? field.form.elements.namedItem(field.name) : null;
  const grouped = named instanceof RadioNodeList;
  const legend = grouped && field.closest("fieldset")?.querySelector("legend");
  const label = legend || document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
  (label || field).scrollIntoView();
  field.focus({ preventScroll: true });
});

// A table wider than the screen scrolls inside its own labelled region; the region takes
// focus only while it does scroll, so that keyboard users can scroll it with the arrow keys.
// Watched for size, not only on resize: a web font arriving late can widen a table.
const scrollable = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const region = target.closest("[data-table-scroll]");
    if (region.scrollWidth > region.clientWidth) region.setAttribute("tabindex", "0");
    else region.removeAttribute("tabindex");
  }
});
for (const region of document.querySelectorAll("[data-table-scroll]")) {
  scrollable.observe(region);
  if (region.firstElementChild) scrollable.observe(region.firstElementChild);
}

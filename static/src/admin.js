// Django's administration, where its own markup falls short of WCAG 2.2 AA: fields shown in
// a grid (inlines, the editable columns of a list, the parts of a date and time) are named by
// their column and row, and empty column headers say what their column holds.

const nameOf = (element) =>
  element.getAttribute("aria-label") ||
  element.getAttribute("aria-labelledby") ||
  (element.id && document.querySelector(`label[for="${CSS.escape(element.id)}"]`));

function columnHeader(cell) {
  const table = cell.closest("table");
  const header = table && table.tHead && table.tHead.rows[0];
  if (!header) return "";
  let column = 0;
  for (const sibling of cell.parentElement.cells) {
    if (sibling === cell) break;
    column += sibling.colSpan;
  }
  for (const th of header.cells) {
    if (column < th.colSpan) return th.textContent.trim();
    column -= th.colSpan;
  }
  return "";
}

function rowName(cell) {
  const row = cell.parentElement;
  const first = row.querySelector("th, td.original p, td.field-__str__");
  return first ? first.textContent.trim() : `row ${row.rowIndex}`;
}

function nameFields() {
  for (const field of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (nameOf(field)) continue;
    const cell = field.closest("td");
    if (cell) {
      const column = columnHeader(cell) || field.name;
      field.setAttribute("aria-label", `${column}, ${rowName(cell)}`);
    } else if (field.closest(".datetime")) {
      // A split date and time: "Last login: date", "Last login: time".
      const label = field.closest(".form-row, .fieldBox, div").querySelector("label");
      const part = field.classList.contains("vTimeField") ? "time" : "date";
      field.setAttribute("aria-label", `${label ? label.textContent.replace(/:$/, "").trim() : field.name}: ${part}`);
    }
  }
  for (const th of document.querySelectorAll("th.original, th:empty")) {
    if (!th.textContent.trim()) {
      const hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = th.classList.contains("original") ? "Saved row" : "Actions";
      th.append(hidden);
    }
  }
  // A search-as-you-type select (select2, for autocomplete_fields) is named by the label of the
  // select it stands in for, then by what it holds.
  for (const box of document.querySelectorAll(".select2-selection[role=combobox]")) {
    if (box.dataset.named) continue;
    const select = box.closest(".select2")?.previousElementSibling;
    if (!select) continue;
    let label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    if (!label) {
      // The add-user form's select has no label of its own: its column or its name serves.
      label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = (select.closest("td") && columnHeader(select.closest("td"))) || select.name;
      box.before(label);
    }
    label.id ||= `${select.id || select.name}-label`;
    const rendered = box.querySelector("[role=textbox]");
    if (rendered) rendered.setAttribute("aria-labelledby", label.id);
    box.setAttribute("aria-labelledby", [label.id, rendered && rendered.id].filter(Boolean).join(" "));
    box.dataset.named = "true";
  }
  // The help icon in a filtered multiple select carries a label on an element with no role.
  for (const icon of document.querySelectorAll(".help-tooltip[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
}

// Django's own scripts build the filtered selects, the search-as-you-type selects and the date
// shortcuts as the page loads, some of them after it has: name what they add when they add it.
let pending = false;
new MutationObserver(() => {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    nameFields();
  });
}).observe(document.documentElement, { childList: true, subtree: true });
window.addEventListener("load", nameFields);

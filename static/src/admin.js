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
  // The help icon in a filtered multiple select carries a label on an element with no role.
  for (const icon of document.querySelectorAll(".help-tooltip[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
}

// Django's own scripts build the filtered selects and date shortcuts when the page loads.
window.addEventListener("load", nameFields);
document.addEventListener("formset:added", nameFields);

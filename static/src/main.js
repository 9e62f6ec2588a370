import "bootstrap";
import htmx from "htmx.org";

window.htmx = htmx;

// Forms that change state say so once: disable their submit buttons after the first press,
// so a double click never sends the same decision twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.disabled = true;
  }
});

// The admin's periodic task form (django-celery-beat): beside the crontab choice, say in words
// what the chosen schedule means. Its own inline script did this; the CSP forbids inline ones.
const readable = document.getElementById("readable-crontabs");
const select = document.getElementById("id_crontab");
const help = document.querySelector(".field-crontab .help");
if (readable && select && help) {
  const schedules = JSON.parse(readable.textContent);
  const translation = document.createElement("div");
  help.append(translation);
  const show = () => {
    const words = schedules[select.value];
    translation.textContent = words ? `Translation: ${words}` : "";
  };
  select.addEventListener("change", show);
  show();
  // The saved translation, shown read-only below, is what the line above now says as you choose.
  const saved = document.querySelector(".field-crontab_translation");
  if (saved) saved.style.display = "none";
}
